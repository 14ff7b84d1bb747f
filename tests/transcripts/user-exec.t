## User EXEC (Router>): a command of privileged EXEC only is unknown to the
## parser there.  With words after it the line is invalid at that word (the
## caret under its first letter); alone it is taken for a host name, like
## any unknown word (IOS prints `Translating "reload"...` and then the
## Unknown command message: docs/console.md cites the captures).
Router>configure terminal
       ^
% Invalid input detected at '^' marker.

Router>conf t
       ^
% Invalid input detected at '^' marker.

Router>write memory
       ^
% Invalid input detected at '^' marker.

Router>erase startup-config
       ^
% Invalid input detected at '^' marker.

Router>crypto key zeroize rsa
       ^
% Invalid input detected at '^' marker.

Router>debug crypto pki transactions
       ^
% Invalid input detected at '^' marker.

Router>show running-config
            ^
% Invalid input detected at '^' marker.

Router>reload
% Unknown command or computer name, or unable to find computer address
Router>configure
% Unknown command or computer name, or unable to find computer address
Router>nosuch
% Unknown command or computer name, or unable to find computer address
Router>nosuch word
% Unknown command or computer name, or unable to find computer address
## the same lines after enable do what they say
Router>enable
Router#conf t
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#line vty 0 15
Router(config-line)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#show running-config | section line
line con 0
line vty 0 4
line vty 5 15
Router#disable
Router>write memory
       ^
% Invalid input detected at '^' marker.

