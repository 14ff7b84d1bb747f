## Keywords abbreviate to any unique prefix, in any case; a prefix shared by
## two keywords is ambiguous, and the message quotes the line up to and
## including the ambiguous word.
Router>en
Router#sh clo
*00:00:00.000 UTC Mon Mar 1 1993
Router#SHOW CLOCK
*00:00:00.000 UTC Mon Mar 1 1993
Router#sh cl det
*00:00:00.000 UTC Mon Mar 1 1993
No time source
Router#di
% Ambiguous command:  "di"
Router#e
% Ambiguous command:  "e"
Router#t len 0
Router#conf t
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#host R1
R1(config)#ho R2
R2(config)#ip dom na example.com
R2(config)#i d n example.net
R2(config)#do sh run | i ^ip
ip domain name example.net
R2(config)#lo con warn
R2(config)#lo
% Incomplete command.

R2(config)#log b 8192 inf
R2(config)#do sh run | i ^logging
logging buffered 8192 informational
logging console warnings
R2(config)#lin v 0 4
R2(config-line)#len 5
R2(config-line)#l
% Ambiguous command:  "l"
R2(config-line)#h s 20
R2(config-line)#do sh run | sec vty
line vty 0 4
 length 5
 history size 20
R2(config-line)#en
R2#
