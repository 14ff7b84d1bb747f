UNIT_TESTS += $(wildcard tests/unit/test_*.c)
TOOLS += $(wildcard tests/tools/*.c)
