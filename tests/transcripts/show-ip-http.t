## show ip http server status without a listener: IOS's lines, pkish's own
## (docs/commands.md), the configured port, the address --http-bind gives.
## args: --http-bind 127.0.0.9
Router>show ip http server status
HTTP server status: Disabled
HTTP server port: 80
HTTP server listening address: 127.0.0.9
HTTP server active supplementary listener ports:
Maximum number of concurrent server connections allowed: 4096
Maximum number of concurrent server connections allowed per client address: 32
Server idle time-out: 10 seconds
Server request receive time-out: 15 seconds
Server memory for unfinished requests: 16384 kilobytes, 128 kilobytes for request line and headers per connection
Router>show ip http server ?
  status  HTTP server status

Router>enable
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#ip http port 18473
Router(config)#do show ip http server status | include port
HTTP server port: 18473
HTTP server active supplementary listener ports:
Router(config)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#
