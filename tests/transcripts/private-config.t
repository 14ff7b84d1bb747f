## nvram:private-config holds the private keys unencrypted: no command
## opens it as a file, to read it or to replace it (issue 9; IOS refuses to
## open private-config).  Keys leave only through crypto key export, and
## only exportable ones, encrypted.  (The same refusal for a unix: path to
## the file: tests/integration/secrets.sh.)
Router>enable
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#crypto key generate rsa label K modulus 512
The name for the keys will be: K

% The key modulus size is 512 bits
% Generating 512 bit RSA keys, keys will be non-exportable...
[OK] (elapsed time was 0 seconds)
*Mar  1 00:00:00.000: %CRYPTO_ENGINE-5-KEY_ADDITION: A key named K has been generated or imported by crypto-engine
Router(config)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#write memory
Building configuration...
[OK]
Router#more nvram:private-config
% Error opening nvram:private-config (Permission denied)
Router#copy nvram:private-config flash:pc
Destination filename [pc]? 
% Error opening nvram:private-config (Permission denied)
Router#copy nvram:startup-config nvram:private-config
Destination filename [private-config]? 
% Error writing nvram:private-config (Permission denied)
Router#dir flash:
Directory of flash:/


[0-9]+ bytes total \([0-9]+ bytes free\) (re)
Router#show crypto key mypubkey rsa | include Key name
Key name: K
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#crypto key export rsa K pem terminal 3des cisco123
% Key K export failed: RSA keypair K is not exportable
Router(config)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#
