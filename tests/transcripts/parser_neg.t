## `no` and `default` forms: removing a setting, restoring the default, the
## no-only endings (`no hostname` without a name), and where they are refused.
## args: --http-bind 127.0.0.1
Router>enable
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#hostname R1
R1(config)#ip domain name example.com
R1(config)#clock timezone CET 1
R1(config)#logging buffered 16384 warnings
R1(config)#no logging console
R1(config)#ip http port 18466
R1(config)#ip http server
R1(config)#line con 0
R1(config-line)#length 0
R1(config-line)#logging synchronous
R1(config-line)#history size 50
R1(config-line)#exit
R1(config)#do show running-config
Building configuration...

Current configuration : 237 bytes
!
hostname R1
!
ip domain name example.com
!
clock timezone CET 1 0
!
logging buffered 16384 warnings
no logging console
!
ip http server
ip http port 18466
!
line con 0
 length 0
 history size 50
 logging synchronous
line vty 0 4
!
end
R1(config)#no hostname
Router(config)#hostname R1
R1(config)#default hostname
Router(config)#no ip domain name
Router(config)#no clock timezone
Router(config)#no logging buffered
Router(config)#default logging console
Router(config)#no ip http server
Router(config)#no ip http port
Router(config)#line con 0
Router(config-line)#no length
Router(config-line)#no logging synchronous
Router(config-line)#default history size
Router(config-line)#exit
Router(config)#do show running-config
Building configuration...

Current configuration : 50 bytes
!
hostname Router
!
line con 0
line vty 0 4
!
end
## The no-only endings need the no form.
Router(config)#ip domain name
% Incomplete command.

Router(config)#clock timezone
% Incomplete command.

## `no` is not a prefix for end/exit/do, nor twice.
Router(config)#no end
                  ^
% Invalid input detected at '^' marker.

Router(config)#no exit
                  ^
% Invalid input detected at '^' marker.

Router(config)#no do show clock
                  ^
% Invalid input detected at '^' marker.

Router(config)#no no hostname
                  ^
% Invalid input detected at '^' marker.

Router(config)#default default hostname
                       ^
% Invalid input detected at '^' marker.

Router(config)#no line con 0
% Line cannot be removed
Router(config)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
## In EXEC, `no` only prefixes debug.
Router#no debug all
All possible debugging has been turned off
Router#no show clock
          ^
% Invalid input detected at '^' marker.

Router#no terminal length 0
          ^
% Invalid input detected at '^' marker.

Router#terminal no monitor
