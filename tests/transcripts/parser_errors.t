## Every error form of the parser (spec §2.1), with the caret under the first
## bad character counting the prompt, in EXEC, config and a sub-mode, after
## walkup and inside `do`.
Router>foo
% Unknown command or computer name, or unable to find computer address
Router>show
% Type "show ?" for a list of subcommands
Router>sh
% Type "show ?" for a list of subcommands
Router>show foo
            ^
% Invalid input detected at '^' marker.

Router>show   running-config
              ^
% Invalid input detected at '^' marker.

Router>enable
Router#show clock detail extra
                         ^
% Invalid input detected at '^' marker.

Router#show c
% Ambiguous command:  "show c"
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#logging 0255.255.1
                       ^
% Invalid input detected at '^' marker.

Router(config)#logging
% Incomplete command.

Router(config)#l
% Ambiguous command:  "l"
Router(config)#hostname
% Incomplete command.

Router(config)#hostname R1 R2
                           ^
% Invalid input detected at '^' marker.

Router(config)#clock timezone CET 99
                                  ^
% Invalid input detected at '^' marker.

Router(config)#  clock   timezone   CET   99
                                          ^
% Invalid input detected at '^' marker.

Router(config)#ip http port 100
                            ^
% Invalid input detected at '^' marker.

Router(config)#line vty 0 4
Router(config-line)#length 600
                           ^
% Invalid input detected at '^' marker.

Router(config-line)#length
% Incomplete command.

Router(config-line)#lo
% Incomplete command.

Router(config-line)#foo
                    ^
% Invalid input detected at '^' marker.

Router(config-line)#hostname R1 R2
                                ^
% Invalid input detected at '^' marker.

Router(config-line)#clock timezone CET 1 0 0
                                           ^
% Invalid input detected at '^' marker.

Router(config-line)#do show foo
                            ^
% Invalid input detected at '^' marker.

Router(config-line)#do foo
                       ^
% Invalid input detected at '^' marker.

Router(config-line)#do show
% Incomplete command.

Router(config-line)#do sh c
% Ambiguous command:  "do sh c"
Router(config-line)#do
% Incomplete command.

Router(config-line)#no
% Incomplete command.

Router(config-line)#no foo
                       ^
% Invalid input detected at '^' marker.

Router(config-line)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#no
% Type "no ?" for a list of subcommands
Router#no foo
          ^
% Invalid input detected at '^' marker.

Router#show running-config |
% Incomplete command.

Router#show running-config | foo
                             ^
% Invalid input detected at '^' marker.

Router#show running-config | include
% Incomplete command.

## An error in the middle of a longer line
Router#clock set 10:00:00 Oct 9 2015 now
                                     ^
% Invalid input detected at '^' marker.

Router#terminal length -1
                       ^
% Invalid input detected at '^' marker.

Router#dir bogus
           ^
% Invalid input detected at '^' marker.

