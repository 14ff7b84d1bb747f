## Must fail: the second output line differs, a regex does not match.
R#args
args: --wrong
R#time
[a-z]+ (re)
R#conf
R(config)#end
