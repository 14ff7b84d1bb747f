## A passing transcript: prompts, modes, dialogs, hidden input, regex
## lines, args, setup and stderr interleaving.
## args: --alpha  --beta
## setup: echo "hello from $DEV" | sed "s|$DEV|DEV|" > "$DEV/greeting"
## setup: test -f "$SRCDIR/tests/tools/selftest/fakepkish"
R#args
args: --alpha --beta
R#env
PKISH_TEST=1
R#cat greeting
hello from DEV
R#conf
R(config)#end
R#ask
% Proceed? [yes/no]: yes
R#copy
Destination filename [startup-config]? 
[OK] startup-config
R#copy
Destination filename [startup-config]? flash:x
[OK] flash:x
R#pw
## input: s3cret
Password: 
pw=s3cret
R#time
[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]+ (re)
R#err oops
error: oops
R#bogus   
% Invalid input detected
R#
