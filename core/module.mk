core_SRCS += core/err.c core/log.c core/store.c core/device.c \
	core/pki.c core/keys.c core/x509.c core/tp.c core/cs.c core/cs_req.c core/pem.c
