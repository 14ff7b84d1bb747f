## terminal settings of the session, show history, show version (pkish's own
## build facts: regex lines where they vary) and the empty PKI timer list.
Router>terminal length 0
Router>terminal length 512
Router>terminal length 513
                       ^
% Invalid input detected at '^' marker.

Router>terminal history size 4
Router>show history
  terminal length 512
  terminal length 513
  terminal history size 4
  show history
Router>show clock
*00:00:00.000 UTC Mon Mar 1 1993
Router>show history
  terminal history size 4
  show history
  show clock
  show history
Router>terminal history size 0
Router>show history
Router>terminal history size 10
Router>show version
pkish IOS PKI simulator, Version [0-9][0-9.]*.* (re)
Technical Support: see README.md and docs/ in the pkish sources

Router uptime is [0-9]+ minutes? (re)
System image file is "pkish"

Built with .+ (re)
  OpenSSL 3\..* \(running OpenSSL 3\..*\) (re)
  libmicrohttpd [0-9.]+, libedit .+ (re)
Device directory: .*/dev (re)
Clock: frozen (moves only with clock set)

Configuration register is 0x2102
Router>enable
## batch output never pauses, whatever the length
Router#terminal length 2
Router#show running-config
Building configuration...

Current configuration : 50 bytes
!
hostname Router
!
line con 0
line vty 0 4
!
end
Router#terminal exec prompt timestamp
Router#show clock
Load for five secs: 0%/0%; one minute: 0%; five minutes: 0%
No time source, *00:00:00.000 UTC Mon Mar 1 1993
*00:00:00.000 UTC Mon Mar 1 1993
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#do show clock
Load for five secs: 0%/0%; one minute: 0%; five minutes: 0%
No time source, *00:00:00.000 UTC Mon Mar 1 1993
*00:00:00.000 UTC Mon Mar 1 1993
Router(config)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#clock set 10:00:00 1 Jan 2020
Jan  1 10:00:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 00:00:00 UTC Mon Mar 1 1993 to 10:00:00 UTC Wed Jan 1 2020, configured from console by console.
Router#show clock
Load for five secs: 0%/0%; one minute: 0%; five minutes: 0%
Time source is user configuration, 10:00:00.000 UTC Wed Jan 1 2020
10:00:00.000 UTC Wed Jan 1 2020
Router#terminal no exec prompt timestamp
Router#show clock
10:00:00.000 UTC Wed Jan 1 2020
Router#terminal monitor
Router#terminal no monitor
Router#show crypto pki timers
Router#show crypto pki timer detail
