## Start-up replays nvram:startup-config (quietly: no CONFIG_I); a line that
## fails reports its line number and the boot goes on.
## setup: mkdir -p "$DEV/nvram" && printf '!\nhostname BOOTED\n!\nbogus line\nip domain name boot.example.com\nline vty 0 4\n length 12\n oops\n!\nend\n' > "$DEV/nvram/startup-config"
startup-config line 4: bogus line
                       ^
% Invalid input detected at '^' marker.

startup-config line 8:  oops
                        ^
% Invalid input detected at '^' marker.

BOOTED>enable
BOOTED#show running-config | include BOOTED|domain|length
hostname BOOTED
ip domain name boot.example.com
 length 12
BOOTED#reload
Proceed with reload? [confirm]
*Mar  1 00:00:00.000: %SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.
startup-config line 4: bogus line
                       ^
% Invalid input detected at '^' marker.

startup-config line 8:  oops
                        ^
% Invalid input detected at '^' marker.



Press RETURN to get started!

BOOTED>
