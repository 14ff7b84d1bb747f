## Start-up replays nvram:startup-config (quietly: no CONFIG_I); a line that
## fails reports its line number and the boot goes on.  Each failure is
## also a %PARSER-4-BADCFG message, which show logging keeps even with
## buffered logging off (issue 9, "Replay and boot").
## setup: mkdir -p "$DEV/nvram" && printf '!\nhostname BOOTED\n!\nbogus line\nip domain name boot.example.com\nline vty 0 4\n length 12\n oops\n!\nend\n' > "$DEV/nvram/startup-config"
startup-config line 4: bogus line
                       ^
% Invalid input detected at '^' marker.

*Mar  1 00:00:00.000: %PARSER-4-BADCFG: startup-config line 4: bogus line: Invalid input detected at '^' marker.
startup-config line 8:  oops
                        ^
% Invalid input detected at '^' marker.

*Mar  1 00:00:00.000: %PARSER-4-BADCFG: startup-config line 8:  oops: Invalid input detected at '^' marker.
BOOTED>enable
BOOTED#show running-config | include BOOTED|domain|length
hostname BOOTED
ip domain name boot.example.com
 length 12
BOOTED#show logging | begin ^Startup
Startup-config errors at the last boot (2 messages, kept until reload):

*Mar  1 00:00:00.000: %PARSER-4-BADCFG: startup-config line 4: bogus line: Invalid input detected at '^' marker.
*Mar  1 00:00:00.000: %PARSER-4-BADCFG: startup-config line 8:  oops: Invalid input detected at '^' marker.
BOOTED#reload
Proceed with reload? [confirm]
*Mar  1 00:00:00.000: %SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.
startup-config line 4: bogus line
                       ^
% Invalid input detected at '^' marker.

*Mar  1 00:00:00.000: %PARSER-4-BADCFG: startup-config line 4: bogus line: Invalid input detected at '^' marker.
startup-config line 8:  oops
                        ^
% Invalid input detected at '^' marker.

*Mar  1 00:00:00.000: %PARSER-4-BADCFG: startup-config line 8:  oops: Invalid input detected at '^' marker.


Press RETURN to get started!

BOOTED>
BOOTED>enable
BOOTED#show logging | count PARSER-4
Number of lines which match regexp = 2
