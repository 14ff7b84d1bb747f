## RSA keys (spec §2.3, §5.8, §5.10): generate (dialog, label, modulus,
## exportable, replace), show crypto key mypubkey rsa, export / import with
## a passphrase, zeroize, and "Storage Device" before and after write
## memory.  Generated keys come from test-keys.pem (docs/testing.md).
## setup: mkdir -p "$DEV/flash" && cp tests/fixtures/cs/test-keys.pem "$DEV/" && cp tests/fixtures/cs/rootca-enc.pem "$DEV/flash/enc.pem"
Router>enable
Router#clock set 13:14:16 Oct 9 2015
Oct  9 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 00:00:00 UTC Mon Mar 1 1993 to 13:14:16 UTC Fri Oct 9 2015, configured from console by console.
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#crypto key generate rsa
% Please define a domain-name first.
Router(config)#ip domain name cisco.com
Router(config)#hostname R14
R14(config)#crypto key generate rsa
The name for the keys will be: R14.cisco.com
Choose the size of the key modulus in the range of 360 to 4096 for your
  General Purpose Keys. Choosing a key modulus greater than 512 may take
  a few minutes.

How many bits in the modulus [1024]: 100
% You must choose a modulus between 360 and 4096 bits.
R14(config)#crypto key generate rsa
The name for the keys will be: R14.cisco.com
Choose the size of the key modulus in the range of 360 to 4096 for your
  General Purpose Keys. Choosing a key modulus greater than 512 may take
  a few minutes.

How many bits in the modulus [1024]: 
% Generating 1024 bit RSA keys, keys will be non-exportable...
[OK] (elapsed time was 0 seconds)
Oct  9 13:14:16.000: %CRYPTO_ENGINE-5-KEY_ADDITION: A key named R14.cisco.com has been generated or imported by crypto-engine
R14(config)#crypto key generate rsa general-keys label R14 exportable modulus 2048
The name for the keys will be: R14

% The key modulus size is 2048 bits
% Generating 2048 bit RSA keys, keys will be exportable...
[OK] (elapsed time was 0 seconds)
Oct  9 13:14:16.000: %CRYPTO_ENGINE-5-KEY_ADDITION: A key named R14 has been generated or imported by crypto-engine
R14(config)#crypto key generate rsa label R14
The name for the keys will be: R14
% You already have RSA keys defined named R14.
% Do you really want to replace them? [yes/no]: no
R14(config)#crypto key generate rsa modulus 5000
                                            ^
% Invalid input detected at '^' marker.

R14(config)#do show crypto key mypubkey rsa
% Key pair was generated at: 13:14:16 UTC Oct 9 2015
Key name: R14
Key type: RSA KEYS
 Storage Device: not specified
 Usage: General Purpose Key
 Key is exportable.
 Key Data:
  30820122 300D0609 2A864886 F70D0101 01050003 82010F00 3082010A 02820101
  00CF53F3 6F43590E 2A190BAE D0B8070C 23468648 E5A2155D 0FC189A3 F9E9459F
  5E1CFCC2 5B3E791C B63F4696 0B32C4E1 711F7836 67AAD079 BF105267 FF5F60FC
  ADF13720 451CAFE0 455D2676 151E0B75 19E457A1 043EFABC E9D41493 EA2FD5F3
  BF9D5248 5ACAC672 8A8F5281 B7EBF7EE 83CE610C 2B6841B7 C09B98E8 6AF2FAD7
  5C89D83F 843BFAEF 3AEEB9CD 093046A7 164BE311 B7144D74 98D18B8B 01EFDDA4
  FD33964B 73E6CD6B CAB8CAD3 961962F9 65D10E21 E3A7066A 5399585C B47B30D2
  8AFA3CCA 68CA193D 6620209C 4212441F 33422C99 70A7391E D2B5D91D C2D7135C
  B25A4754 0A8160BE EDD70DEC 1593C415 CDF9DB92 B977A97B 5091D019 EE69C940
  23020301 0001
% Key pair was generated at: 13:14:16 UTC Oct 9 2015
Key name: R14.cisco.com
Key type: RSA KEYS
 Storage Device: not specified
 Usage: General Purpose Key
 Key is not exportable.
 Key Data:
  30819F30 0D06092A 864886F7 0D010101 05000381 8D003081 89028181 00B9A72F
  C7F62129 C72AE79F 2CB65328 F971BE01 0D05AA63 0B78EE92 06C7FCC5 27EEC5CA
  F021CBE9 DC7C0189 50D67619 901273C7 30DB8DB8 699F495C ED9D8231 26E9550E
  A6C23DD1 3882B7D2 52C8052C 2139FB52 18106093 95A1F859 D6F35BBF CAD734D5
  0F73DC68 DD936BA8 57CDB227 C676DAC9 A04FB0CF C9B9E897 064591C9 E9020301
  0001
R14(config)#do write memory
Building configuration...
[OK]
R14(config)#do show crypto key mypubkey rsa R14
% Key pair was generated at: 13:14:16 UTC Oct 9 2015
Key name: R14
Key type: RSA KEYS
 Storage Device: private-config
 Usage: General Purpose Key
 Key is exportable.
 Key Data:
  30820122 300D0609 2A864886 F70D0101 01050003 82010F00 3082010A 02820101
  00CF53F3 6F43590E 2A190BAE D0B8070C 23468648 E5A2155D 0FC189A3 F9E9459F
  5E1CFCC2 5B3E791C B63F4696 0B32C4E1 711F7836 67AAD079 BF105267 FF5F60FC
  ADF13720 451CAFE0 455D2676 151E0B75 19E457A1 043EFABC E9D41493 EA2FD5F3
  BF9D5248 5ACAC672 8A8F5281 B7EBF7EE 83CE610C 2B6841B7 C09B98E8 6AF2FAD7
  5C89D83F 843BFAEF 3AEEB9CD 093046A7 164BE311 B7144D74 98D18B8B 01EFDDA4
  FD33964B 73E6CD6B CAB8CAD3 961962F9 65D10E21 E3A7066A 5399585C B47B30D2
  8AFA3CCA 68CA193D 6620209C 4212441F 33422C99 70A7391E D2B5D91D C2D7135C
  B25A4754 0A8160BE EDD70DEC 1593C415 CDF9DB92 B977A97B 5091D019 EE69C940
  23020301 0001
R14(config)#do show crypto key mypubkey rsa NONE
% Key NONE not found
## Export: the public key is PEM (the private key is encrypted with a
## random salt, so only its first line is shown); a non-exportable key
## cannot leave.
R14(config)#crypto key export rsa R14 pem url flash:r14 aes s3cret
% Key name: R14
   Usage: General Purpose Key
Exporting public key...
Destination filename [flash:r14.pub]? 
Exporting private key...
Destination filename [flash:r14.prv]? 
R14(config)#do more flash:r14.pub
-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAz1Pzb0NZDioZC67QuAcM
I0aGSOWiFV0PwYmj+elFn14c/MJbPnkctj9GlgsyxOFxH3g2Z6rQeb8QUmf/X2D8
rfE3IEUcr+BFXSZ2FR4LdRnkV6EEPvq86dQUk+ov1fO/nVJIWsrGcoqPUoG36/fu
g85hDCtoQbfAm5joavL611yJ2D+EO/rvOu65zQkwRqcWS+MRtxRNdJjRi4sB792k
/TOWS3PmzWvKuMrTlhli+WXRDiHjpwZqU5lYXLR7MNKK+jzKaMoZPWYgIJxCEkQf
M0IsmXCnOR7StdkdwtcTXLJaR1QKgWC+7dcN7BWTxBXN+duSuXepe1CR0BnuaclA
IwIDAQAB
-----END PUBLIC KEY-----
R14(config)#do show running-config | include BEGIN
R14(config)#crypto key export rsa R14.cisco.com pem url flash:x 3des s3cret
% Key R14.cisco.com export failed: RSA keypair R14.cisco.com is not exportable
R14(config)#crypto key export rsa NONE pem terminal 3des s3cret
% Key NONE not found
## Import: wrong passphrase, right passphrase, the exported pair back.
R14(config)#crypto key import rsa ENC pem url flash:enc.pem wrong
% Key pair import failed: cannot read the private key (wrong passphrase?)
R14(config)#crypto key import rsa ENC pem url flash:enc.pem cisco123
% Key pair import succeeded.

Oct  9 13:14:16.000: %CRYPTO_ENGINE-5-KEY_ADDITION: A key named ENC has been generated or imported by crypto-engine
R14(config)#crypto key import rsa COPY exportable pem url flash:r14 s3cret
% Key pair import succeeded.

Oct  9 13:14:16.000: %CRYPTO_ENGINE-5-KEY_ADDITION: A key named COPY has been generated or imported by crypto-engine
R14(config)#crypto key import rsa NONE pem url flash:none s3cret
% Error opening flash:none (No such file or directory)
R14(config)#do show crypto key mypubkey rsa | include Key name|Storage|export
Key name: COPY
 Storage Device: not specified
 Key is exportable.
Key name: ENC
 Storage Device: not specified
 Key is not exportable.
Key name: R14
 Storage Device: private-config
 Key is exportable.
Key name: R14.cisco.com
 Storage Device: private-config
 Key is not exportable.
## Zeroize one key, then all.
R14(config)#crypto key zeroize rsa COPY
% Keys to be removed are named 'COPY'.
% All router certs issued using these keys will also be removed.
Do you really want to remove these keys? [yes/no]: yes
R14(config)#crypto key zeroize rsa COPY
% No Signature RSA Keys found in configuration.
R14(config)#crypto key zeroize rsa ENC
% Keys to be removed are named 'ENC'.
% All router certs issued using these keys will also be removed.
Do you really want to remove these keys? [yes/no]: no
R14(config)#do show crypto key mypubkey rsa | include Key name
Key name: ENC
Key name: R14
Key name: R14.cisco.com
R14(config)#crypto key zeroize rsa
% All keys will be removed.
% All router certs issued using these keys will also be removed.
Do you really want to remove these keys? [yes/no]: yes
R14(config)#do show crypto key mypubkey rsa
R14(config)#crypto key zeroize rsa
% No Signature RSA Keys found in configuration.
R14(config)#end
Oct  9 13:14:16.000: %SYS-5-CONFIG_I: Configured from console by console
