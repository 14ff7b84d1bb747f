timers_SRCS += timers/clock.c timers/timers.c
