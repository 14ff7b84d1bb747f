scep_SRCS += scep/msg_core.c scep/msg_server.c scep/msg_client.c scep/msg_b64.c scep/server.c scep/http_client.c scep/client.c scep/client_req.c scep/client_store.c
