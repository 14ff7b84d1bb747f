## Output modifiers on every command: include, exclude, begin, section and
## count, abbreviated like commands, with extended regexes that may contain
## '|' (and even " | "); `do` in config keeps them.
Router>enable
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#hostname R1
R1(config)#ip domain name example.com
R1(config)#logging buffered 8192 informational
R1(config)#line con 0
R1(config-line)#length 0
R1(config-line)#logging synchronous
R1(config-line)#line vty 0 4
R1(config-line)#history size 20
R1(config-line)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
R1#show running-config | include hostname
hostname R1
R1#sh run | i host|domain
hostname R1
ip domain name example.com
R1#sh run | in ^line
line con 0
line vty 0 4
R1#sh run | include a | b
Current configuration : 161 bytes
logging buffered 8192 informational
R1#sh run | e ^( |!)
Building configuration...

Current configuration : 161 bytes
hostname R1
ip domain name example.com
logging buffered 8192 informational
line con 0
line vty 0 4
end
R1#show running-config | begin ^line
line con 0
 length 0
 logging synchronous
line vty 0 4
 history size 20
!
end
R1#sh run | b vty
line vty 0 4
 history size 20
!
end
R1#show running-config | section line con
line con 0
 length 0
 logging synchronous
R1#sh run | sec vty|con
Building configuration...
Current configuration : 161 bytes
line con 0
 length 0
 logging synchronous
line vty 0 4
 history size 20
R1#sh run | s synchronous
line con 0
 length 0
 logging synchronous
R1#show running-config | count ^line
Number of lines which match regexp = 2
R1#sh run | c .
Number of lines which match regexp = 16
R1#sh run | co nothing-matches
Number of lines which match regexp = 0
R1#show clock | include 1993
*00:00:00.000 UTC Mon Mar 1 1993
R1#show clock | exclude 1993
R1#show clock | count 1993
Number of lines which match regexp = 1
R1#show version | include ^Configuration
Configuration register is 0x2102
R1#show history | include sh
  sh run | sec vty|con
  sh run | s synchronous
  show running-config | count ^line
  sh run | c .
  sh run | co nothing-matches
  show clock | include 1993
  show clock | exclude 1993
  show clock | count 1993
  show version | include ^Configuration
  show history | include sh
R1#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
R1(config)#do show running-config | include ^ip
ip domain name example.com
R1(config)#do sh run | sec con 0
line con 0
 length 0
 logging synchronous
R1(config)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
## A bad regex, a missing one, an unknown modifier, a modifier without regex.
R1#show running-config | include (
% Invalid regular expression
R1#show running-config | include
% Incomplete command.

R1#show running-config | grep x
                         ^
% Invalid input detected at '^' marker.

R1#show running-config | e
% Incomplete command.

