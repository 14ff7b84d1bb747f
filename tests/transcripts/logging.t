## Logging (issue 3, spec §5.0, §5.11): IOS timestamps ('*' while the clock
## is not authoritative), logging console on by default, logging buffered +
## show logging, levels, and the debug families.
Router>enable
Router#show logging
Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, xml disabled, filtering disabled)

    Console logging: level debugging, 0 messages logged, xml disabled,
                     filtering disabled
    Monitor logging: level debugging, 0 messages logged, xml disabled,
                     filtering disabled
    Buffer logging:  disabled
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#logging buffered 4096 informational
Router(config)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#clock set 13:14:16 Oct 9 2015
Oct  9 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 00:00:00 UTC Mon Mar 1 1993 to 13:14:16 UTC Fri Oct 9 2015, configured from console by console.
Router#show logging
Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, xml disabled, filtering disabled)

    Console logging: level debugging, 2 messages logged, xml disabled,
                     filtering disabled
    Monitor logging: level debugging, 2 messages logged, xml disabled,
                     filtering disabled
    Buffer logging:  level informational, 2 messages logged, xml disabled,
                    filtering disabled

Log Buffer (4096 bytes):

*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Oct  9 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 00:00:00 UTC Mon Mar 1 1993 to 13:14:16 UTC Fri Oct 9 2015, configured from console by console.
## no logging console: messages still reach the buffer
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#no logging console
Router(config)#end
Router#show logging | include logging|CONFIG
Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, xml disabled, filtering disabled)
    Console logging: disabled
    Monitor logging: level debugging, 3 messages logged, xml disabled,
    Buffer logging:  level informational, 3 messages logged, xml disabled,
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Oct  9 13:14:16.000: %SYS-5-CONFIG_I: Configured from console by console
## console at errors: notifications (CONFIG_I) are not shown, the buffer at
## informational still keeps them
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#logging console errors
Router(config)#end
Router#show logging | count CONFIG_I
Number of lines which match regexp = 3
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#logging console 5
Router(config)#logging buffered warnings
Router(config)#do show running-config | include logging
logging buffered 4096 warnings
logging console notifications
Router(config)#end
Oct  9 13:14:16.000: %SYS-5-CONFIG_I: Configured from console by console
Router#show logging | include level|CONFIG
    Console logging: level notifications, 5 messages logged, xml disabled,
    Monitor logging: level debugging, 5 messages logged, xml disabled,
    Buffer logging:  level warnings, 4 messages logged, xml disabled,
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Oct  9 13:14:16.000: %SYS-5-CONFIG_I: Configured from console by console
Oct  9 13:14:16.000: %SYS-5-CONFIG_I: Configured from console by console
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#no logging buffered
Router(config)#default logging console
Router(config)#do show running-config | include logging
Router(config)#end
Oct  9 13:14:16.000: %SYS-5-CONFIG_I: Configured from console by console
Router#show logging | include Buffer
    Buffer logging:  disabled
## debug families
Router#show debugging
Router#debug crypto pki server
Crypto PKI Certificate Server debugging is on
Router#debug crypto pki transactions
Crypto PKI Trans debugging is on
Router#debug crypto pki messages
Crypto PKI Msg debugging is on
Router#show debugging
Crypto PKI:
  Crypto PKI Certificate Server debugging is on
  Crypto PKI Trans debugging is on
  Crypto PKI Msg debugging is on
Router#no debug crypto pki transactions
Crypto PKI Trans debugging is off
Router#undebug crypto pki messages
Crypto PKI Msg debugging is off
Router#show debugging
Crypto PKI:
  Crypto PKI Certificate Server debugging is on
Router#debug ip http transactions
HTTP Server transactions debugging is on
Router#show debugging
Crypto PKI:
  Crypto PKI Certificate Server debugging is on
  HTTP Server transactions debugging is on
Router#undebug all
All possible debugging has been turned off
Router#show debugging
Router#debug all
Crypto PKI Certificate Server debugging is on
Crypto PKI Trans debugging is on
Crypto PKI Msg debugging is on
HTTP Server transactions debugging is on
Router#no debug all
All possible debugging has been turned off
Router#u all
All possible debugging has been turned off
Router#debug crypto pki
% Incomplete command.

Router#debug crypto pki foo
                        ^
% Invalid input detected at '^' marker.

## debug is privileged
Router#disable
Router>debug all
       ^
% Invalid input detected at '^' marker.

Router>show debugging
            ^
% Invalid input detected at '^' marker.

Router>show logging
            ^
% Invalid input detected at '^' marker.

