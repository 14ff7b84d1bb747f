core_SRCS += core/err.c core/log.c core/store.c core/device.c
