scep_SRCS += scep/msg.c scep/server.c scep/http_client.c scep/client.c
