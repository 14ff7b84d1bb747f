## `clock calendar-valid` makes the (hardware calendar) clock authoritative
## without setting it; removing it does not take authority back.
Router>enable
Router#show clock detail
*00:00:00.000 UTC Mon Mar 1 1993
No time source
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#clock calendar-valid
Router(config)#do show clock detail
00:00:00.000 UTC Mon Mar 1 1993
Time source is hardware calendar
Router(config)#do show running-config | include calendar
clock calendar-valid
Router(config)#end
Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#no clock calendar-valid
Router(config)#do show running-config | include calendar
Router(config)#end
Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#show clock detail
00:00:00.000 UTC Mon Mar 1 1993
Time source is user configuration
Router#clock set 10:00:00 1 Jan 2020
Jan  1 10:00:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 00:00:00 UTC Mon Mar 1 1993 to 10:00:00 UTC Wed Jan 1 2020, configured from console by console.
Router#show clock detail
10:00:00.000 UTC Wed Jan 1 2020
Time source is user configuration
