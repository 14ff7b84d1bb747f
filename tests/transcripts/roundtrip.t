## Running-config is generated from state: saving it to a file, going back
## to factory defaults and copying the file into running-config reproduces
## the same show running-config.
## args: --http-bind 127.0.0.1
Router>enable
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#hostname RT-1
RT-1(config)#ip domain name lab.example.com
RT-1(config)#clock timezone CET 1 30
RT-1(config)#clock calendar-valid
RT-1(config)#logging buffered 16384 notifications
RT-1(config)#logging console errors
RT-1(config)#no logging monitor
RT-1(config)#ip http port 18467
RT-1(config)#ip http server
RT-1(config)#line con 0
RT-1(config-line)#length 0
RT-1(config-line)#history size 30
RT-1(config-line)#logging synchronous
RT-1(config-line)#line vty 0 4
RT-1(config-line)#length 40
RT-1(config-line)#end
RT-1#show running-config
Building configuration...

Current configuration : 304 bytes
!
hostname RT-1
!
ip domain name lab.example.com
!
clock timezone CET 1 30
clock calendar-valid
!
logging buffered 16384 notifications
logging console errors
no logging monitor
!
ip http server
ip http port 18467
!
line con 0
 length 0
 history size 30
 logging synchronous
line vty 0 4
 length 40
!
end
RT-1#copy running-config flash:rt1.cfg
Destination filename [rt1.cfg]? 
304 bytes copied
RT-1#reload
System configuration has been modified. Save? [yes/no]: no
Proceed with reload? [confirm]


Press RETURN to get started!

Router>enable
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
Router#copy flash:rt1.cfg running-config
Destination filename [running-config]? 
304 bytes copied
RT-1#show running-config
Building configuration...

Current configuration : 304 bytes
!
hostname RT-1
!
ip domain name lab.example.com
!
clock timezone CET 1 30
clock calendar-valid
!
logging buffered 16384 notifications
logging console errors
no logging monitor
!
ip http server
ip http port 18467
!
line con 0
 length 0
 history size 30
 logging synchronous
line vty 0 4
 length 40
!
end
## and the file replays cleanly once more (idempotent)
RT-1#copy flash:rt1.cfg running-config
Destination filename [running-config]? 
304 bytes copied
RT-1#show running-config | count .
Number of lines which match regexp = 25
