## reload restarts the device from its startup-config in the same process;
## a modified running-config is offered for saving first; [confirm] with
## "n" cancels.  Session state (privilege, mode) starts over.
Router>enable
Router#reload
Proceed with reload? [confirm]
*Mar  1 00:00:00.000: %SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.


Press RETURN to get started!

Router>enable
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#hostname SAVED
SAVED(config)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
SAVED#reload
System configuration has been modified. Save? [yes/no]: yes
Building configuration...
[OK]
Proceed with reload? [confirm]
*Mar  1 00:00:00.000: %SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.


Press RETURN to get started!

SAVED>enable
SAVED#show startup-config | include hostname
hostname SAVED
SAVED#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
SAVED(config)#hostname LOST
LOST(config)#logging buffered 8192
LOST(config)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
LOST#reload
System configuration has been modified. Save? [yes/no]: maybe
% Please answer 'yes' or 'no'.
System configuration has been modified. Save? [yes/no]: n
Proceed with reload? [confirm]
*Mar  1 00:00:00.000: %SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.


Press RETURN to get started!

SAVED>enable
SAVED#show running-config | include hostname|logging
hostname SAVED
## running-config equals startup-config after a boot: nothing to save
SAVED#reload
## input: n
Proceed with reload? [confirm]n
SAVED#show clock
*00:00:00.000 UTC Mon Mar 1 1993
SAVED#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
SAVED(config)#line vty 0 4
SAVED(config-line)#do reload
System configuration has been modified. Save? [yes/no]: no
Proceed with reload? [confirm]
*Mar  1 00:00:00.000: %SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.


Press RETURN to get started!

SAVED>show running-config
           ^
% Invalid input detected at '^' marker.

