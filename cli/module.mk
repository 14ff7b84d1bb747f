cli_MAIN := cli/main.c
cli_SRCS += cli/engine.c cli/session.c cli/nodes_exec.c cli/nodes_config.c \
	cli/nodes_device.c cli/nodes_pki.c cli/nodes_key.c cli/nodes_cs.c cli/nodes_tp.c \
	cli/nodes_chain.c cli/batch.c cli/term.c cli/vty.c \
	cli/services.c cli/show_pki.c cli/type7.c
