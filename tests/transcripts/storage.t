## Storage (issue 3): nvram: and flash: are folders of the device directory;
## write memory and copy running-config startup-config save atomically;
## show/more/dir/erase read and remove.
Router>enable
Router#show startup-config
startup-config is not present
Router#dir nvram:
Directory of nvram:/


262136 bytes total (262136 bytes free)
Router#more nvram:startup-config
% Error opening nvram:startup-config (No such file or directory)
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#hostname R1
R1(config)#ip domain name example.com
R1(config)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
R1#write memory
Building configuration...
[OK]
R1#show startup-config
Using 75 out of 262136 bytes
!
hostname R1
!
ip domain name example.com
!
line con 0
line vty 0 4
!
end
R1#dir nvram:
Directory of nvram:/

    1  -rw-          75                     <no date>  startup-config

262136 bytes total (262061 bytes free)
R1#more nvram:startup-config
!
hostname R1
!
ip domain name example.com
!
line con 0
line vty 0 4
!
end
R1#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
R1(config)#hostname R2
R2(config)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
## the startup-config is not the running-config until saved
R2#show startup-config | include hostname
hostname R1
R2#copy running-config startup-config
Destination filename [startup-config]? 
Building configuration...
[OK]
R2#show startup-config | include hostname
hostname R2
R2#copy startup-config flash:saved.cfg
Destination filename [saved.cfg]? 
75 bytes copied
R2#more flash:saved.cfg
!
hostname R2
!
ip domain name example.com
!
line con 0
line vty 0 4
!
end
R2#dir flash:
Directory of flash:/

    1  -rw- +75 +[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{4} [0-9:]{8} [-+][0-9]{4}  saved.cfg (re)

[0-9]+ bytes total \([0-9]+ bytes free\) (re)
R2#copy nvram:startup-config flash:other.cfg
Destination filename [other.cfg]? 
75 bytes copied
R2#copy flash:nothere.cfg flash:x.cfg
Destination filename [x.cfg]? 
% Error opening flash:nothere.cfg (No such file or directory)
R2#copy tftp://127.0.0.1/x flash:x.cfg
Destination filename [x.cfg]? 
% Error opening tftp://127.0.0.1/x (tftp://127.0.0.1/x: only nvram:, flash: and unix: storage are supported)
R2#more flash:../calendar
% Error opening flash:../calendar (flash:../calendar: invalid path)
R2#more ftp:x
% Error opening ftp:x (ftp:x: only nvram:, flash: and unix: storage are supported)
R2#write terminal | include hostname
hostname R2
R2#write
Building configuration...
[OK]
R2#erase startup-config
Erasing the nvram filesystem will remove all configuration files! Continue? [confirm]
[OK]
Erase of nvram: complete
*Mar  1 00:00:00.000: %SYS-7-NV_BLOCK_INIT: Initialized the geometry of nvram
R2#show startup-config
startup-config is not present
R2#dir nvram:
Directory of nvram:/


262136 bytes total (262136 bytes free)
R2#write erase
## input: n
Erasing the nvram filesystem will remove all configuration files! Continue? [confirm]n
R2#write mem
Building configuration...
[OK]
R2#erase startup-config
## input: no
Erasing the nvram filesystem will remove all configuration files! Continue? [confirm]no
R2#show startup-config | include hostname
hostname R2
