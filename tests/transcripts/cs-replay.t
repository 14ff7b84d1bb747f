## Issue 4's "Done when": the seed's server configuration pasted into an
## empty device, `no shutdown`, the clock moved to July 2017 (rollover
## available, right dates) and to October 2017 (the new CA active); then
## the running-config replayed into an EMPTY device (write erase, reload,
## copy FILE running-config) restores the same certificates, with the keys
## from private storage.
## args: --http-bind 127.0.0.1
## setup: mkdir -p "$DEV/flash" && cp tests/fixtures/cs/rootca-enc.pem "$DEV/flash/ROOTCA" && cp tests/fixtures/cs/test-keys.pem "$DEV/"
Router>enable
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#clock timezone CET 1
Router(config)#end
*Mar  1 01:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#clock set 13:14:16 Oct 9 2015
Oct  9 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 01:00:00 CET Mon Mar 1 1993 to 13:14:16 CET Fri Oct 9 2015, configured from console by console.
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#crypto key import rsa ROOTCA pem url flash:ROOTCA cisco123
% Key pair import succeeded.

Oct  9 13:14:16.000: %CRYPTO_ENGINE-5-KEY_ADDITION: A key named ROOTCA has been generated or imported by crypto-engine
Router(config)#ip http port 18463
Router(config)#ip http server
Router(config)#crypto pki server ROOTCA
Router(cs-server)# database level complete
Router(cs-server)# database archive pkcs12 password 7 01100F175804575D72
Router(cs-server)# issuer-name CN=RootCA,OU=TAC,O=Cisco
Router(cs-server)# grant auto
Oct  9 13:14:16.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
Router(cs-server)# lifetime certificate 365
Router(cs-server)# lifetime ca-certificate 730
Router(cs-server)# database url flash:iosca-root/
Router(cs-server)# auto-rollover 90
Router(cs-server)# no shutdown
%Some server settings cannot be changed after CA certificate generation.
% Exporting Certificate Server signing certificate and keys...

% Certificate Server enabled.
Oct  9 13:14:16.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
Oct  9 13:14:16.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
Router(cs-server)#end
Oct  9 13:14:16.000: %SYS-5-CONFIG_I: Configured from console by console
Router#clock set 13:14:16 Jul 10 2017
Jul 10 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 13:14:16 CET Fri Oct 9 2015 to 13:14:16 CET Mon Jul 10 2017, configured from console by console.
Router#show crypto pki server
Certificate Server ROOTCA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=RootCA,OU=TAC,O=Cisco
    CA cert fingerprint: C6815589 3F3DED78 1B519102 5023E514
    Granting mode is: auto
    Last certificate issued serial number (hex): 2
    CA certificate expiration timer: 13:14:16 CET Oct 8 2017
    CRL NextUpdate timer: 19:14:16 CET Jul 10 2017
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Rollover status: available for rollover
    Rollover CA certificate fingerprint: 736A82F8 3109A893 2B11DA1F 69EFB378
    Rollover CA certificate expiration time: 13:14:16 CET Oct 8 2019
    Auto-Rollover configured, overlap period 90 days
Router#clock set 13:14:16 Oct 8 2017
Oct  8 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 13:14:16 CET Mon Jul 10 2017 to 13:14:16 CET Sun Oct 8 2017, configured from console by console.
Router#show crypto pki server
Certificate Server ROOTCA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=RootCA,OU=TAC,O=Cisco
    CA cert fingerprint: 736A82F8 3109A893 2B11DA1F 69EFB378
    Granting mode is: auto
    Last certificate issued serial number (hex): 2
    CA certificate expiration timer: 13:14:16 CET Oct 8 2019
    CRL NextUpdate timer: 19:14:16 CET Oct 8 2017
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Auto-Rollover configured, overlap period 90 days
    Autorollover timer: 13:14:16 CET Jul 10 2019
Router#show crypto pki certificates verbose
CA Certificate
  Status: Available
  Version: 3
  Certificate Serial Number (hex): 02
  Certificate Usage: Signature
  Issuer:
    cn=RootCA
    ou=TAC
    o=Cisco
  Subject:
    cn=RootCA
    ou=TAC
    o=Cisco
  Validity Date:
    start date: 13:14:16 CET Oct 8 2017
    end   date: 13:14:16 CET Oct 8 2019
  Subject Key Info:
    Public Key Algorithm: rsaEncryption
    RSA Public Key: (1024 bit)
  Signature Algorithm: MD5 with RSA Encryption
  Fingerprint MD5: 736A82F8 3109A893 2B11DA1F 69EFB378
  Fingerprint SHA1: 4050360A 17301811 A6069A7B 62A7540C EE059D5F
  X509v3 extensions:
    X509v3 Key Usage: 86000000
      Digital Signature
      Key Cert Sign
      CRL Signature
    X509v3 Subject Key ID: 43F45DE8 2E44C1B0 AF4CE7BC DF50E061 774ADDC1
    X509v3 Basic Constraints:
        CA: TRUE
    X509v3 Authority Key ID: 43F45DE8 2E44C1B0 AF4CE7BC DF50E061 774ADDC1
    Authority Info Access:
  Cert install time: 13:14:16 CET Oct 8 2017
  Associated Trustpoints: ROOTCA
Router#copy running-config flash:seed.cfg
Destination filename [seed.cfg]? 
1805 bytes copied
## Everything but the keys and flash: goes.
Router#write erase
Erasing the nvram filesystem will remove all configuration files! Continue? [confirm]
[OK]
Erase of nvram: complete
Oct  8 13:14:16.000: %SYS-7-NV_BLOCK_INIT: Initialized the geometry of nvram
Router#reload
System configuration has been modified. Save? [yes/no]: no
Proceed with reload? [confirm]
Oct  8 13:14:16.000: %SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.


Press RETURN to get started!

Router>enable
Router#show running-config | section crypto
Router#show crypto pki server
Router#show crypto key mypubkey rsa
% Key pair was generated at: 12:14:16 UTC Jul 10 2017
Key name: ROOTCA
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
## The erased configuration took the time zone: UTC until the replay.
Router#clock set 12:20:00 Oct 8 2017
Oct  8 12:20:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 12:14:16 UTC Sun Oct 8 2017 to 12:20:00 UTC Sun Oct 8 2017, configured from console by console.
Router#copy flash:seed.cfg running-config
Destination filename [running-config]? 
Oct  8 13:20:00.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
Oct  8 13:20:00.000: %PKI-6-TRUSTPOINT_CREATE: Trustpoint: ROOTCA created succesfully
Oct  8 13:20:00.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
Oct  8 13:20:00.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
1805 bytes copied
Router#show crypto pki server
Certificate Server ROOTCA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=RootCA,OU=TAC,O=Cisco
    CA cert fingerprint: 736A82F8 3109A893 2B11DA1F 69EFB378
    Granting mode is: auto
    Last certificate issued serial number (hex): 2
    CA certificate expiration timer: 13:14:16 CET Oct 8 2019
    CRL NextUpdate timer: 19:14:16 CET Oct 8 2017
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Auto-Rollover configured, overlap period 90 days
    Autorollover timer: 13:14:16 CET Jul 10 2019
Router#show crypto pki certificates verbose
CA Certificate
  Status: Available
  Version: 3
  Certificate Serial Number (hex): 02
  Certificate Usage: Signature
  Issuer:
    cn=RootCA
    ou=TAC
    o=Cisco
  Subject:
    cn=RootCA
    ou=TAC
    o=Cisco
  Validity Date:
    start date: 13:14:16 CET Oct 8 2017
    end   date: 13:14:16 CET Oct 8 2019
  Subject Key Info:
    Public Key Algorithm: rsaEncryption
    RSA Public Key: (1024 bit)
  Signature Algorithm: MD5 with RSA Encryption
  Fingerprint MD5: 736A82F8 3109A893 2B11DA1F 69EFB378
  Fingerprint SHA1: 4050360A 17301811 A6069A7B 62A7540C EE059D5F
  X509v3 extensions:
    X509v3 Key Usage: 86000000
      Digital Signature
      Key Cert Sign
      CRL Signature
    X509v3 Subject Key ID: 43F45DE8 2E44C1B0 AF4CE7BC DF50E061 774ADDC1
    X509v3 Basic Constraints:
        CA: TRUE
    X509v3 Authority Key ID: 43F45DE8 2E44C1B0 AF4CE7BC DF50E061 774ADDC1
    Authority Info Access:
  Cert install time: 13:20:00 CET Oct 8 2017
  Associated Trustpoints: ROOTCA
Router#show crypto pki timers
CS Timers
|     5:54:16.000
|     5:54:16.000  CS CRL UPDATE
|639d23:54:16.000  CS SHADOW CERT GENERATION
|729d23:54:16.000  CS CERT EXPIRE
Router#show running-config | section crypto pki server
crypto pki server ROOTCA
 database level complete
 database archive pkcs12 password 7 01100F175804575D72
 issuer-name CN=RootCA,OU=TAC,O=Cisco
 grant auto
 lifetime ca-certificate 730
 database url flash:iosca-root/
 auto-rollover 90
