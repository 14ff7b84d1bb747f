core_SRCS += core/err.c core/log.c core/store.c core/device.c \
	core/pki.c core/keys.c core/x509.c core/tp.c core/crl_cache.c core/cs.c core/cs_serial.c core/cs_crl.c core/cs_ca.c core/cs_req.c core/cs_rec.c core/cs_reqdb.c core/cs_replay.c core/textrec.c core/text.c core/pem.c
