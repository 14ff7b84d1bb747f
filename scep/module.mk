scep_SRCS +=
