## Enabling a certificate server: the checks of spec §2.4 (authoritative
## clock; `ip http server`, without which IOS makes the CA and waits:
## "Status: disabled, HTTP Server is disabled", "State: check failed"), the
## first `no shutdown` dialogs (archive password typed, mismatch, empty =
## exit, password from the configuration), the lock while enabled, the
## sub-mode `show`, serial-number, and `no crypto pki server`.
## args: --http-bind 127.0.0.1
## setup: mkdir -p "$DEV/flash" && cp tests/fixtures/ca_key.pem "$DEV/flash/CA" && cp tests/fixtures/cs/test-keys.pem "$DEV/" && cp tests/fixtures/cs/test-keys.pem "$DEV/flash/pool.pem"
Router>enable
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#crypto key import rsa CA pem url flash:CA unused
% Key pair import succeeded.

*Mar  1 00:00:00.000: %CRYPTO_ENGINE-5-KEY_ADDITION: A key named CA has been generated or imported by crypto-engine
Router(config)#crypto pki server CA
Router(cs-server)#show
 serial-number 0x0
 database level minimum
 database archive pkcs12
 issuer-name CN=CA
 lifetime crl 6
 lifetime certificate 365
 lifetime ca-certificate 1095
 lifetime enrollment-request 168
## No authoritative clock: nothing asked, nothing made.
Router(cs-server)#no shutdown
%Some server settings cannot be changed after CA certificate generation.
% Time has not been set. Cannot start the Certificate server
Router(cs-server)#do show crypto pki server
Certificate Server CA:
    Status: disabled, Time has not been set
    State: check failed
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=CA
    CA cert fingerprint: -Not found-
    Granting mode is: manual
    Last certificate issued serial number (hex): 0
    Current primary storage dir: nvram:
    Database Level: Minimum - no cert data written to storage
Router(cs-server)#lifetime certificate 30
% Server is locked; shut it down first
Router(cs-server)#shutdown
Router(cs-server)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#clock set 10:00:00 1 Jan 2020
Jan  1 10:00:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 00:00:00 UTC Mon Mar 1 1993 to 10:00:00 UTC Wed Jan 1 2020, configured from console by console.
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#crypto pki server CA
## No HTTP server: the dialog runs and the CA is made (serial 1), the
## server waits for `ip http server`.
Router(cs-server)#no shutdown
%Some server settings cannot be changed after CA certificate generation.
% Please enter a passphrase to protect the private key
% or type Return to exit
Password: 

Re-enter password: 

## input: secret1
## input: secret1
Router(cs-server)#show
 serial-number 0x1
 database level minimum
 database archive pkcs12
 issuer-name CN=CA
 lifetime crl 6
 lifetime certificate 365
 lifetime ca-certificate 1095
 lifetime enrollment-request 168
Router(cs-server)#do show crypto pki server
Certificate Server CA:
    Status: disabled, HTTP Server is disabled
    State: check failed
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=CA
    CA cert fingerprint: 662B62B5 9815731C B3393474 F3A09ED3
    Granting mode is: manual
    Last certificate issued serial number (hex): 1
    CA certificate expiration timer: 10:00:00 UTC Dec 31 2022
    Current primary storage dir: nvram:
    Database Level: Minimum - no cert data written to storage
Router(cs-server)#exit
Router(config)#ip http port 18464
Router(config)#ip http server
Jan  1 10:00:00.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
Router(config)#do show crypto pki server
Certificate Server CA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=CA
    CA cert fingerprint: 662B62B5 9815731C B3393474 F3A09ED3
    Granting mode is: manual
    Last certificate issued serial number (hex): 1
    CA certificate expiration timer: 10:00:00 UTC Dec 31 2022
    CRL NextUpdate timer: 16:00:00 UTC Jan 1 2020
    Current primary storage dir: nvram:
    Database Level: Minimum - no cert data written to storage
## Locked while enabled; issuer-name and the CA lifetime stay frozen once
## the CA exists.
Router(config)#crypto pki server CA
Router(cs-server)#lifetime certificate 30
% Server is locked; shut it down first
Router(cs-server)#grant auto
% Server is locked; shut it down first
Router(cs-server)#shutdown
Certificate server 'shut' event has been queued for processing.
Jan  1 10:00:00.000: CA:Certificate Server is now disabled.
Router(cs-server)#do show crypto pki server
Certificate Server CA:
    Status: disabled
    State: disabled
    Server's configuration is unlocked  (enter "no shut" to lock it)
    Issuer name: CN=CA
    CA cert fingerprint: 662B62B5 9815731C B3393474 F3A09ED3
    Granting mode is: manual
    Last certificate issued serial number (hex): 1
    CA certificate expiration timer: 10:00:00 UTC Dec 31 2022
    CRL NextUpdate timer: 16:00:00 UTC Jan 1 2020
    Current primary storage dir: nvram:
    Database Level: Minimum - no cert data written to storage
Router(cs-server)#lifetime certificate 30
Router(cs-server)#lifetime crl 24
Router(cs-server)#lifetime enrollment-request 48
Router(cs-server)#hash sha256
Router(cs-server)#cdp-url http://127.0.0.1:18464/cgi-bin/pkiclient.exe?operation=GetCRL
Router(cs-server)#issuer-name CN=Other
% issuer-name and lifetime ca-certificate cannot be changed after CA certificate generation
Router(cs-server)#lifetime ca-certificate 100
% issuer-name and lifetime ca-certificate cannot be changed after CA certificate generation
Router(cs-server)#auto-rollover
Router(cs-server)#grant auto trustpoint CA
Router(cs-server)#database level names
Router(cs-server)#show
 serial-number 0x1
 database level names
 database archive pkcs12
 issuer-name CN=CA
 grant auto trustpoint CA
 hash sha256
 cdp-url http://127.0.0.1:18464/cgi-bin/pkiclient.exe?operation=GetCRL
 lifetime crl 24
 lifetime certificate 30
 lifetime ca-certificate 1095
 lifetime enrollment-request 48
 auto-rollover 30
## The no and default forms bring the defaults back.
Router(cs-server)#auto-rollover 10 12
Router(cs-server)#do show running-config | include auto-rollover
 auto-rollover 10 12
Router(cs-server)#no auto-rollover
Router(cs-server)#no grant
Router(cs-server)#default database level
Router(cs-server)#lifetime certificate 0 0 20
Router(cs-server)#do show running-config | include lifetime certificate
 lifetime certificate 0 0 20
Router(cs-server)#no lifetime certificate
Router(cs-server)#default lifetime crl
Router(cs-server)#lifetime crl 400
                               ^
% Invalid input detected at '^' marker.

Router(cs-server)#lifetime certificate 2000
                                       ^
% Invalid input detected at '^' marker.

Router(cs-server)#hash md4
                       ^
% Invalid input detected at '^' marker.

Router(cs-server)#serial-number 0xZZ
                                ^
% Invalid input detected at '^' marker.

Router(cs-server)#lifetime certificate 30
Router(cs-server)#lifetime crl 24
Router(cs-server)#serial-number 0x1F
Router(cs-server)#show
 serial-number 0x1F
 database level minimum
 database archive pkcs12
 issuer-name CN=CA
 hash sha256
 cdp-url http://127.0.0.1:18464/cgi-bin/pkiclient.exe?operation=GetCRL
 lifetime crl 24
 lifetime certificate 30
 lifetime ca-certificate 1095
 lifetime enrollment-request 48
Router(cs-server)#no shutdown
Certificate server 'no shut' event has been queued for processing.
Jan  1 10:00:00.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
Router(cs-server)#do show crypto pki server
Certificate Server CA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=CA
    CA cert fingerprint: 662B62B5 9815731C B3393474 F3A09ED3
    Granting mode is: manual
    Last certificate issued serial number (hex): 1F
    CA certificate expiration timer: 10:00:00 UTC Dec 31 2022
    CRL NextUpdate timer: 10:00:00 UTC Jan 2 2020
    Current primary storage dir: nvram:
    Database Level: Minimum - no cert data written to storage
Router(cs-server)#show
 serial-number 0x1F
 database level minimum
 database archive pkcs12
 issuer-name CN=CA
 hash sha256
 cdp-url http://127.0.0.1:18464/cgi-bin/pkiclient.exe?operation=GetCRL
 lifetime crl 24
 lifetime certificate 30
 lifetime ca-certificate 1095
 lifetime enrollment-request 48
Router(cs-server)#no serial-number
% Server is locked; shut it down first
Router(cs-server)#end
Jan  1 10:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#show running-config | section crypto pki
crypto pki server CA
 serial-number 0x1F
 hash sha256
 cdp-url http://127.0.0.1:18464/cgi-bin/pkiclient.exe?operation=GetCRL
 lifetime crl 24
 lifetime certificate 30
 lifetime enrollment-request 48
crypto pki trustpoint CA
 revocation-check crl
 rsakeypair CA
crypto pki certificate chain CA
 certificate ca 01
  308201F3 3082015C A0030201 02020101 300D0609 2A864886 F70D0101 04050030
  0D310B30 09060355 04031302 4341301E 170D3230 30313031 31303030 30305A17
  0D323231 32333131 30303030 305A300D 310B3009 06035504 03130243 4130819F
  300D0609 2A864886 F70D0101 01050003 818D0030 81890281 8100F67F 90CC5375
  D619E717 3A0A1F74 70F935D3 9931C904 F74E3F8D 1714C6D1 3C3A128F 9738AD1C
  12D8D54B EA5059BE 45C563F2 E8138016 14F95C54 EECA510A A6698411 4803ADA9
  D8621DF9 ADC9E161 85E49E51 08CFD687 42D5B3D0 6A2E6527 5EACF66E A401B169
  D350624E AB76E50A F223949F 48AA115A 0AFBE48A B941BF7C 0A410203 010001A3
  63306130 0F060355 1D130101 FF040530 030101FF 300E0603 551D0F01 01FF0404
  03020186 301F0603 551D2304 18301680 1489834B E139D387 2EA988F8 4A1FB462
  2E97F4E1 22301D06 03551D0E 04160414 89834BE1 39D3872E A988F84A 1FB4622E
  97F4E122 300D0609 2A864886 F70D0101 04050003 8181004F C7B6A2F8 9C4ED163
  9650A598 DEAECCEB 58F2D849 2F456307 2B81B0DE 0E914058 82D6B17B 89B75163
  A64B5A0B 0E6FE384 77298342 C966BF98 F2A23B17 0971BD4A CD243F61 8A673194
  0DC845F4 F11D9035 A1E973EF 275085D2 7215E933 166001D5 A5DFF70B 9872BB74
  F5B6A074 A854599A EE7635EE 9017F800 B4FD8F93 DC80EB
  	quit
## HTTP goes away and comes back.
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#no ip http server
Router(config)#do show crypto pki server
Certificate Server CA:
    Status: disabled, HTTP Server is disabled
    State: check failed
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=CA
    CA cert fingerprint: 662B62B5 9815731C B3393474 F3A09ED3
    Granting mode is: manual
    Last certificate issued serial number (hex): 1F
    CA certificate expiration timer: 10:00:00 UTC Dec 31 2022
    CRL NextUpdate timer: 10:00:00 UTC Jan 2 2020
    Current primary storage dir: nvram:
    Database Level: Minimum - no cert data written to storage
Router(config)#ip http server
Jan  1 10:00:00.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
Router(config)#do show crypto pki server | include Status
    Status: enabled
## A second server is refused; deleting the server keeps key and database.
Router(config)#crypto pki server B
% Certificate server CA already exists
Router(config)#no crypto pki server CA
Router(config)#do show crypto pki server
Router(config)#do show crypto pki trustpoints
Router(config)#do show running-config | section crypto pki
Router(config)#do show crypto key mypubkey rsa | include Key name
Key name: CA
## A new server: the archive password is asked; a mismatch and an empty
## answer leave it shut; the key is generated (from test-keys.pem).
Router(config)#crypto pki server NEW
Router(cs-server)#database url nvram:new/
Router(cs-server)#no shutdown
%Some server settings cannot be changed after CA certificate generation.
% Please enter a passphrase to protect the private key
% or type Return to exit
Password: 

Re-enter password: 
% Password mismatch.
% Certificate Server not enabled.
## input: secret1
## input: secret2
Router(cs-server)#do show crypto pki server | include Status|State|locked
    Status: disabled
    State: disabled
    Server's configuration is unlocked  (enter "no shut" to lock it)
Router(cs-server)#no shutdown
%Some server settings cannot be changed after CA certificate generation.
% Please enter a passphrase to protect the private key
% or type Return to exit
Password: 
% Certificate Server not enabled.
## input:
Router(cs-server)#no shutdown
%Some server settings cannot be changed after CA certificate generation.
% Please enter a passphrase to protect the private key
% or type Return to exit
Password: 

Re-enter password: 
% Generating 1024 bit RSA keys, keys will be non-exportable...
[OK] (elapsed time was 0 seconds)

% Certificate Server enabled.
Jan  1 10:00:00.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
## input: secret1
## input: secret1
Router(cs-server)#do show crypto pki server
Certificate Server NEW:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=NEW
    CA cert fingerprint: 3E00FEBC 906B5473 1273AAA6 E77D370F
    Granting mode is: manual
    Last certificate issued serial number (hex): 1
    CA certificate expiration timer: 10:00:00 UTC Dec 31 2022
    CRL NextUpdate timer: 16:00:00 UTC Jan 1 2020
    Current primary storage dir: nvram:new/
    Database Level: Minimum - no cert data written to storage
Router(cs-server)#do dir nvram:new/
Directory of nvram:new/

    1  -rw-         213                     <no date>  NEW.crl
    2  -rw-        1706                     <no date>  NEW.p12
    3  -rw-          93                     <no date>  NEW.ser

262136 bytes total (260124 bytes free)
Router(cs-server)#end
Jan  1 10:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
## Zeroizing the server's key stops it until the key is back (the first key
## of test-keys.pem is the one `no shutdown` took).
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#crypto key zeroize rsa NEW
% Keys to be removed are named 'NEW'.
% All router certs issued using these keys will also be removed.
Do you really want to remove these keys? [yes/no]: yes
Jan  1 10:00:00.000: NEW:Server key not found, waiting for (offline) key. Keypair label NEW.
Router(config)#do show crypto pki server | include Status|State
    Status: disabled
    State: check failed
Router(config)#crypto key import rsa NEW pem url flash:pool.pem unused
% Key pair import succeeded.

Jan  1 10:00:00.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
Jan  1 10:00:00.000: %CRYPTO_ENGINE-5-KEY_ADDITION: A key named NEW has been generated or imported by crypto-engine
Router(config)#do show crypto pki server | include Status|State|fingerprint
    Status: enabled
    State: enabled
    CA cert fingerprint: 3E00FEBC 906B5473 1273AAA6 E77D370F
Router(config)#end
Jan  1 10:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
