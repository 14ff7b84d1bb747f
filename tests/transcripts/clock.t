## The device clock (spec §1.1, §2.2, §5.0): '*' while not authoritative,
## `clock set` in both day/month orders makes it authoritative and logs
## %SYS-6-CLOCKUPDATE; bad fields get the caret; the display zone; the
## hardware calendar.  --frozen-clock: the time moves only with clock set.
Router>show clock
*00:00:00.000 UTC Mon Mar 1 1993
Router>show clock detail
*00:00:00.000 UTC Mon Mar 1 1993
No time source
Router>enable
Router#clock set 13:14:16 Oct 9 2015
Oct  9 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 00:00:00 UTC Mon Mar 1 1993 to 13:14:16 UTC Fri Oct 9 2015, configured from console by console.
Router#show clock
13:14:16.000 UTC Fri Oct 9 2015
Router#show clock detail
13:14:16.000 UTC Fri Oct 9 2015
Time source is user configuration
Router#clock set 08:00:00 1 january 2016
Jan  1 08:00:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 13:14:16 UTC Fri Oct 9 2015 to 08:00:00 UTC Fri Jan 1 2016, configured from console by console.
Router#show clock
08:00:00.000 UTC Fri Jan 1 2016
Router#clock set 23:59:59 29 Feb 2016
Feb 29 23:59:59.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 08:00:00 UTC Fri Jan 1 2016 to 23:59:59 UTC Mon Feb 29 2016, configured from console by console.
Router#show clock
23:59:59.000 UTC Mon Feb 29 2016
Router#clock set 00:00:00 DEC 31 2035
Dec 31 00:00:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 23:59:59 UTC Mon Feb 29 2016 to 00:00:00 UTC Mon Dec 31 2035, configured from console by console.
Router#show clock
00:00:00.000 UTC Mon Dec 31 2035
Router#clock set 13:14:16 9 Oct 2015
Oct  9 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 00:00:00 UTC Mon Dec 31 2035 to 13:14:16 UTC Fri Oct 9 2015, configured from console by console.
## Bad hour, minute, second, form; day, month, year; impossible dates.
Router#clock set 24:00:00 9 Oct 2015
                 ^
% Invalid input detected at '^' marker.

Router#clock set 12:60:00 9 Oct 2015
                 ^
% Invalid input detected at '^' marker.

Router#clock set 12:00:60 9 Oct 2015
                 ^
% Invalid input detected at '^' marker.

Router#clock set 12:00 9 Oct 2015
                 ^
% Invalid input detected at '^' marker.

Router#clock set noon 9 Oct 2015
                 ^
% Invalid input detected at '^' marker.

Router#clock set 12:00:00 0 Oct 2015
                            ^
% Invalid input detected at '^' marker.

Router#clock set 12:00:00 32 Oct 2015
                             ^
% Invalid input detected at '^' marker.

Router#clock set 12:00:00 9 Octember 2015
                            ^
% Invalid input detected at '^' marker.

Router#clock set 12:00:00 9 Ju 2015
                            ^
% Invalid input detected at '^' marker.

Router#clock set 12:00:00 Oct 9 1992
                                ^
% Invalid input detected at '^' marker.

Router#clock set 12:00:00 Oct 9 2036
                                ^
% Invalid input detected at '^' marker.

Router#clock set 12:00:00 31 Apr 2015
                          ^
% Invalid input detected at '^' marker.

Router#clock set 12:00:00 29 Feb 2015
                          ^
% Invalid input detected at '^' marker.

Router#clock set 12:00:00 Oct Oct 2015
                              ^
% Invalid input detected at '^' marker.

Router#clock set 12:00:00 9 9 2015
                            ^
% Invalid input detected at '^' marker.

Router#clock set 12:00:00 Oct 9
% Incomplete command.

Router#clock set 12:00:00 Oct 9 2015 extra
                                     ^
% Invalid input detected at '^' marker.

## nothing above changed the clock
Router#show clock
13:14:16.000 UTC Fri Oct 9 2015
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#clock timezone CET 1
Router(config)#do show clock
14:14:16.000 CET Fri Oct 9 2015
Router(config)#clock timezone NST -3 30
Router(config)#do show clock
09:44:16.000 NST Fri Oct 9 2015
Router(config)#do show running-config | include clock
clock timezone NST -3 30
Router(config)#clock timezone TOOLONGNAME 1
                              ^
% Invalid input detected at '^' marker.

Router(config)#clock timezone CET 24
                                  ^
% Invalid input detected at '^' marker.

Router(config)#clock timezone CET 1 60
                                    ^
% Invalid input detected at '^' marker.

Router(config)#no clock timezone
Router(config)#do show clock
13:14:16.000 UTC Fri Oct 9 2015
Router(config)#end
Oct  9 13:14:16.000: %SYS-5-CONFIG_I: Configured from console by console
## clock set takes local time in the configured zone
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#clock timezone CET 1
Router(config)#end
Oct  9 14:14:16.000: %SYS-5-CONFIG_I: Configured from console by console
Router#clock set 12:00:00 1 Jan 2020
Jan  1 12:00:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 14:14:16 CET Fri Oct 9 2015 to 12:00:00 CET Wed Jan 1 2020, configured from console by console.
Router#show clock
12:00:00.000 CET Wed Jan 1 2020
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#no clock timezone
Router(config)#do show clock
11:00:00.000 UTC Wed Jan 1 2020
Router(config)#end
Jan  1 11:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
