## CRLF, no final newline; must pass.
R#conf
R(config)#end
R#ask
% Proceed? [yes/no]: n
R#