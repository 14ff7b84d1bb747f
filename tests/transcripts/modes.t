## Modes and prompts: user EXEC → enable → privileged EXEC → configure →
## a sub-mode; exit goes to the parent, end and Ctrl-Z (a line holding the
## single character 0x1A) to Router#; walkup; do; disable; what user EXEC
## may not see.
Router>show running-config
            ^
% Invalid input detected at '^' marker.

Router>configure terminal
       ^
% Invalid input detected at '^' marker.

Router>write memory
       ^
% Invalid input detected at '^' marker.

Router>clock set 10:00:00 Oct 9 2015
       ^
% Invalid input detected at '^' marker.

Router>show clock
*00:00:00.000 UTC Mon Mar 1 1993
Router>enable
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#line console 0
Router(config-line)#exit
Router(config)#line vty 0 4
## Walkup: a global command in a sub-mode runs in (config) and stays there.
Router(config-line)#hostname R1
R1(config)#line vty 0 4
R1(config-line)#length 30
R1(config-line)#ip domain name example.com
R1(config)#line con 0
R1(config-line)#line vty 0
R1(config-line)#do show running-config | section line
line con 0
line vty 0 4
 length 30
## do: privileged EXEC from any config mode; the mode does not change.
R1(config-line)#do show clock
*00:00:00.000 UTC Mon Mar 1 1993
R1(config-line)#do terminal length 0
R1(config-line)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
R1#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
R1(config)#line con 0
## input: 
## (pkish echoes the Ctrl-Z it reads as IOS shows it: ^Z)
R1\(config-line\)#\^Z (re)
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
R1#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
## input: 
R1\(config\)#\^Z (re)
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
## Ctrl-Z in EXEC does nothing.
## input: 
R1#\^Z (re)
R1#conf t
Enter configuration commands, one per line.  End with CNTL/Z.
R1(config)#exit
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
R1#disable
R1>show history
  do show clock
  do terminal length 0
  end
  configure terminal
  line con 0
  configure terminal
  conf t
  exit
  disable
  show history
## exit in EXEC ends the session: nothing after it runs.
R1>exit
## input: show clock
