## Reload in every phase of the seed's server (before the shadow CA, after
## it, after the rollover): the CA and rollover certificates come back from
## the running-config with the keys of private storage (same fingerprints),
## the timers are the same (CRL included: the stored CRL is still current),
## and serial numbers continue.  `clock calendar-valid` keeps the clock
## authoritative across reload.
## args: --http-bind 127.0.0.1
## setup: mkdir -p "$DEV/flash" && cp tests/fixtures/cs/rootca-enc.pem "$DEV/flash/ROOTCA" && cp tests/fixtures/cs/test-keys.pem "$DEV/" && cp tests/fixtures/cs/r15.csr tests/fixtures/cs/r18.csr "$DEV/flash/"
Router>enable
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#hostname Root-CA
Root-CA(config)#clock timezone CET 1
Root-CA(config)#clock calendar-valid
Root-CA(config)#end
Mar  1 01:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Root-CA#clock set 13:14:16 Oct 9 2015
Oct  9 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 01:00:00 CET Mon Mar 1 1993 to 13:14:16 CET Fri Oct 9 2015, configured from console by console.
Root-CA#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Root-CA(config)#crypto key import rsa ROOTCA pem url flash:ROOTCA cisco123
% Key pair import succeeded.

Oct  9 13:14:16.000: %CRYPTO_ENGINE-5-KEY_ADDITION: A key named ROOTCA has been generated or imported by crypto-engine
Root-CA(config)#ip http port 18462
Root-CA(config)#ip http server
Root-CA(config)#crypto pki server ROOTCA
Root-CA(cs-server)#database level complete
Root-CA(cs-server)#database archive pkcs12 password 7 01100F175804575D72
Root-CA(cs-server)#issuer-name CN=RootCA,OU=TAC,O=Cisco
Root-CA(cs-server)#grant auto
Oct  9 13:14:16.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
Root-CA(cs-server)#lifetime certificate 365
Root-CA(cs-server)#lifetime ca-certificate 730
Root-CA(cs-server)#database url flash:iosca-root/
Root-CA(cs-server)#auto-rollover 90
Root-CA(cs-server)#no shutdown
%Some server settings cannot be changed after CA certificate generation.
% Exporting Certificate Server signing certificate and keys...

% Certificate Server enabled.
Oct  9 13:14:16.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
Oct  9 13:14:16.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
Root-CA(cs-server)#end
Oct  9 13:14:16.000: %SYS-5-CONFIG_I: Configured from console by console
Root-CA#clock set 13:19:58 Oct 9 2015
Oct  9 13:19:58.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 13:14:16 CET Fri Oct 9 2015 to 13:19:58 CET Fri Oct 9 2015, configured from console by console.
Root-CA#crypto pki server ROOTCA request pkcs10 flash:r15.csr
% Granted certificate written to flash:r15.crt
Root-CA#show crypto pki server
Certificate Server ROOTCA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=RootCA,OU=TAC,O=Cisco
    CA cert fingerprint: C6815589 3F3DED78 1B519102 5023E514
    Granting mode is: auto
    Last certificate issued serial number (hex): 2
    CA certificate expiration timer: 13:14:16 CET Oct 8 2017
    CRL NextUpdate timer: 19:14:16 CET Oct 9 2015
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Auto-Rollover configured, overlap period 90 days
    Autorollover timer: 13:14:16 CET Jul 10 2017
Root-CA#show crypto pki timers
CS Timers
|     5:54:18.000
|     5:54:18.000  CS CRL UPDATE
|639d23:54:18.000  CS SHADOW CERT GENERATION
|729d23:54:18.000  CS CERT EXPIRE
## Phase 1, before the shadow CA: save, reload.
Root-CA#write memory
Building configuration...
[OK]
Root-CA#reload
Proceed with reload? [confirm]
Oct  9 13:19:58.000: %SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.
Oct  9 13:19:58.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
Oct  9 13:19:58.000: %PKI-6-TRUSTPOINT_CREATE: Trustpoint: ROOTCA created succesfully
Oct  9 13:19:58.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
Oct  9 13:19:58.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.


Press RETURN to get started!

Root-CA>enable
Root-CA#show crypto pki server
Certificate Server ROOTCA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=RootCA,OU=TAC,O=Cisco
    CA cert fingerprint: C6815589 3F3DED78 1B519102 5023E514
    Granting mode is: auto
    Last certificate issued serial number (hex): 2
    CA certificate expiration timer: 13:14:16 CET Oct 8 2017
    CRL NextUpdate timer: 19:14:16 CET Oct 9 2015
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Auto-Rollover configured, overlap period 90 days
    Autorollover timer: 13:14:16 CET Jul 10 2017
Root-CA#show crypto pki timers
CS Timers
|     5:54:18.000
|     5:54:18.000  CS CRL UPDATE
|639d23:54:18.000  CS SHADOW CERT GENERATION
|729d23:54:18.000  CS CERT EXPIRE
Root-CA#show crypto pki certificates
CA Certificate
  Status: Available
  Certificate Serial Number (hex): 01
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
    start date: 13:14:16 CET Oct 9 2015
    end   date: 13:14:16 CET Oct 8 2017
  Associated Trustpoints: ROOTCA
  Storage: nvram:RootCA#1CA.cer
Root-CA#show crypto key mypubkey rsa
% Key pair was generated at: 13:14:16 CET Oct 9 2015
Key name: ROOTCA
Key type: RSA KEYS
 Storage Device: private-config
 Usage: General Purpose Key
 Key is not exportable.
 Key Data:
  30819F30 0D06092A 864886F7 0D010101 05000381 8D003081 89028181 00CA83E9
  2E083408 82363AED 3BFD403B 1937552A C2995B74 6592FF1A 694803ED AAF9FD33
  5E668634 0D12F59E 3A535B4F 84215B41 2363748F 68B037FA 717464B5 4343EF38
  8ACD54EE 1E9DAAB5 3B1AC6ED 51A24C54 C692BEEB 0ABCE90E F2D60E7A 436BDB14
  F4C8F0E6 7500A2E0 8E69281D 0B595479 E2C3282B ACF29E89 68E4AFE4 C3020301
  0001
Root-CA#show crypto pki server ROOTCA certificates
Serial Issued date              Expire date               Subject Name
1       13:14:16 CET Oct 9 2015  13:14:16 CET Oct 8 2017   cn=RootCA ou=TAC o=Cisco
2       13:19:58 CET Oct 9 2015  13:19:58 CET Oct 8 2016   hostname=R15 cn=R15 ou=VPN o=MSK c=RU
Root-CA#crypto pki server ROOTCA request pkcs10 flash:r18.csr
% Granted certificate written to flash:r18.crt
Root-CA#show crypto pki server ROOTCA certificates
Serial Issued date              Expire date               Subject Name
1       13:14:16 CET Oct 9 2015  13:14:16 CET Oct 8 2017   cn=RootCA ou=TAC o=Cisco
2       13:19:58 CET Oct 9 2015  13:19:58 CET Oct 8 2016   hostname=R15 cn=R15 ou=VPN o=MSK c=RU
3       13:19:58 CET Oct 9 2015  13:19:58 CET Oct 8 2016   hostname=R18 cn=R18 ou=VPN o=SPB c=RU
## Phase 2, the shadow CA exists: save, reload.
Root-CA#clock set 13:14:16 Jul 10 2017
Jul 10 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 13:19:58 CET Fri Oct 9 2015 to 13:14:16 CET Mon Jul 10 2017, configured from console by console.
Root-CA#show crypto pki server
Certificate Server ROOTCA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=RootCA,OU=TAC,O=Cisco
    CA cert fingerprint: C6815589 3F3DED78 1B519102 5023E514
    Granting mode is: auto
    Last certificate issued serial number (hex): 4
    CA certificate expiration timer: 13:14:16 CET Oct 8 2017
    CRL NextUpdate timer: 19:14:16 CET Jul 10 2017
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Rollover status: available for rollover
    Rollover CA certificate fingerprint: C3C27BEB 7CB3020B 75054769 495D95BE
    Rollover CA certificate expiration time: 13:14:16 CET Oct 8 2019
    Auto-Rollover configured, overlap period 90 days
Root-CA#show crypto pki timers
CS Timers
|     6:00:00.000
|     6:00:00.000  CS CRL UPDATE
| 90d 0:00:00.000  CS CERT EXPIRE
Root-CA#write memory
Building configuration...
[OK]
Root-CA#reload
Proceed with reload? [confirm]
Jul 10 13:14:16.000: %SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.
Jul 10 13:14:16.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
Jul 10 13:14:16.000: %PKI-6-TRUSTPOINT_CREATE: Trustpoint: ROOTCA created succesfully
Jul 10 13:14:16.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
Jul 10 13:14:16.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.


Press RETURN to get started!

Root-CA>enable
Root-CA#show crypto pki server
Certificate Server ROOTCA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=RootCA,OU=TAC,O=Cisco
    CA cert fingerprint: C6815589 3F3DED78 1B519102 5023E514
    Granting mode is: auto
    Last certificate issued serial number (hex): 4
    CA certificate expiration timer: 13:14:16 CET Oct 8 2017
    CRL NextUpdate timer: 19:14:16 CET Jul 10 2017
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Rollover status: available for rollover
    Rollover CA certificate fingerprint: C3C27BEB 7CB3020B 75054769 495D95BE
    Rollover CA certificate expiration time: 13:14:16 CET Oct 8 2019
    Auto-Rollover configured, overlap period 90 days
Root-CA#show crypto pki timers
CS Timers
|     6:00:00.000
|     6:00:00.000  CS CRL UPDATE
| 90d 0:00:00.000  CS CERT EXPIRE
Root-CA#show crypto pki certificates
CA Certificate (Rollover)
  Status: Available
  Certificate Serial Number (hex): 04
  Certificate Usage: Signature
  Issuer:
    cn=RootCA
    ou=TAC
    o=Cisco
  Subject:
    Name: RootCA
    cn=RootCA
    ou=TAC
    o=Cisco
  Validity Date:
    start date: 13:14:16 CET Oct 8 2017
    end   date: 13:14:16 CET Oct 8 2019
  Associated Trustpoints: ROOTCA
  Storage: nvram:RootCA#4CA.cer

CA Certificate
  Status: Available
  Certificate Serial Number (hex): 01
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
    start date: 13:14:16 CET Oct 9 2015
    end   date: 13:14:16 CET Oct 8 2017
  Associated Trustpoints: ROOTCA
  Storage: nvram:RootCA#1CA.cer
Root-CA#show crypto key mypubkey rsa
% Key pair was generated at: 13:14:16 CET Oct 9 2015
Key name: ROOTCA
Key type: RSA KEYS
 Storage Device: private-config
 Usage: General Purpose Key
 Key is not exportable.
 Key Data:
  30819F30 0D06092A 864886F7 0D010101 05000381 8D003081 89028181 00CA83E9
  2E083408 82363AED 3BFD403B 1937552A C2995B74 6592FF1A 694803ED AAF9FD33
  5E668634 0D12F59E 3A535B4F 84215B41 2363748F 68B037FA 717464B5 4343EF38
  8ACD54EE 1E9DAAB5 3B1AC6ED 51A24C54 C692BEEB 0ABCE90E F2D60E7A 436BDB14
  F4C8F0E6 7500A2E0 8E69281D 0B595479 E2C3282B ACF29E89 68E4AFE4 C3020301
  0001
% Key pair was generated at: 13:14:16 CET Jul 10 2017
Key name: ROOTCA#
Key type: RSA KEYS
 Storage Device: private-config
 Usage: General Purpose Key
 Key is not exportable.
 Key Data:
  30819F30 0D06092A 864886F7 0D010101 05000381 8D003081 89028181 00B9A72F
  C7F62129 C72AE79F 2CB65328 F971BE01 0D05AA63 0B78EE92 06C7FCC5 27EEC5CA
  F021CBE9 DC7C0189 50D67619 901273C7 30DB8DB8 699F495C ED9D8231 26E9550E
  A6C23DD1 3882B7D2 52C8052C 2139FB52 18106093 95A1F859 D6F35BBF CAD734D5
  0F73DC68 DD936BA8 57CDB227 C676DAC9 A04FB0CF C9B9E897 064591C9 E9020301
  0001
Root-CA#show running-config | section chain
crypto pki certificate chain ROOTCA
 certificate ca rollover 04
  30820237 308201A0 A0030201 02020104 300D0609 2A864886 F70D0101 04050030
  2F310E30 0C060355 040A1305 43697363 6F310C30 0A060355 040B1303 54414331
  0F300D06 03550403 1306526F 6F744341 301E170D 31373130 30383132 31343136
  5A170D31 39313030 38313231 3431365A 302F310E 300C0603 55040A13 05436973
  636F310C 300A0603 55040B13 03544143 310F300D 06035504 03130652 6F6F7443
  4130819F 300D0609 2A864886 F70D0101 01050003 818D0030 81890281 8100B9A7
  2FC7F621 29C72AE7 9F2CB653 28F971BE 010D05AA 630B78EE 9206C7FC C527EEC5
  CAF021CB E9DC7C01 8950D676 19901273 C730DB8D B8699F49 5CED9D82 3126E955
  0EA6C23D D13882B7 D252C805 2C2139FB 52181060 9395A1F8 59D6F35B BFCAD734
  D50F73DC 68DD936B A857CDB2 27C676DA C9A04FB0 CFC9B9E8 97064591 C9E90203
  010001A3 63306130 0F060355 1D130101 FF040530 030101FF 300E0603 551D0F01
  01FF0404 03020186 301F0603 551D2304 18301680 1443F45D E82E44C1 B0AF4CE7
  BCDF50E0 61774ADD C1301D06 03551D0E 04160414 43F45DE8 2E44C1B0 AF4CE7BC
  DF50E061 774ADDC1 300D0609 2A864886 F70D0101 04050003 818100B8 02AFD08A
  11C4F6EF E9ECC63C B52925E6 2CFF4B64 E62C835E 2177EDD0 52C1FA7E 944B019B
  C93ED8CC D838CB63 10B4DA31 D24957D0 6CFB578F E86F8F29 0A485672 EE42C85C
  9DCBE5B9 742E67F1 996612B7 CD56BD9C 3DF6107E E3FE75FD B0C4B6C4 22E0F54F
  04FD3485 08BB840D 4E10BF69 A130E954 F595921F 8A10A693 BF98DB
  	quit
 certificate ca 01
  30820237 308201A0 A0030201 02020101 300D0609 2A864886 F70D0101 04050030
  2F310E30 0C060355 040A1305 43697363 6F310C30 0A060355 040B1303 54414331
  0F300D06 03550403 1306526F 6F744341 301E170D 31353130 30393132 31343136
  5A170D31 37313030 38313231 3431365A 302F310E 300C0603 55040A13 05436973
  636F310C 300A0603 55040B13 03544143 310F300D 06035504 03130652 6F6F7443
  4130819F 300D0609 2A864886 F70D0101 01050003 818D0030 81890281 8100CA83
  E92E0834 0882363A ED3BFD40 3B193755 2AC2995B 746592FF 1A694803 EDAAF9FD
  335E6686 340D12F5 9E3A535B 4F84215B 41236374 8F68B037 FA717464 B54343EF
  388ACD54 EE1E9DAA B53B1AC6 ED51A24C 54C692BE EB0ABCE9 0EF2D60E 7A436BDB
  14F4C8F0 E67500A2 E08E6928 1D0B5954 79E2C328 2BACF29E 8968E4AF E4C30203
  010001A3 63306130 0F060355 1D130101 FF040530 030101FF 300E0603 551D0F01
  01FF0404 03020186 301F0603 551D2304 18301680 14F52BD6 54D9C558 72506889
  65B1DB53 835BD42E 0D301D06 03551D0E 04160414 F52BD654 D9C55872 50688965
  B1DB5383 5BD42E0D 300D0609 2A864886 F70D0101 04050003 81810052 4716D627
  67A8A1DF 9F954352 3DE95649 8E1F8687 0DE93FA8 A2BFE586 D0E4EF54 0D51F100
  1FF1D339 9F755A3E 31AD16E8 20FAFA61 83650221 13F6D6A8 0C2D19D8 762D931E
  B5F9BB79 EECB43C1 11CF343A 148F3238 304CF30B C5820850 49B1B68E 3DBA4F2D
  42DB9434 D2F86326 AC842BC4 C9C100FA 70459BEA 8C907EB3 C1DEA8
  	quit
Root-CA#crypto pki server ROOTCA request pkcs10 flash:r15.csr
% Granted certificate written to flash:r15.crt
Root-CA#show crypto pki server ROOTCA certificates
Serial Issued date              Expire date               Subject Name
1       13:14:16 CET Oct 9 2015  13:14:16 CET Oct 8 2017   cn=RootCA ou=TAC o=Cisco
2       13:19:58 CET Oct 9 2015  13:19:58 CET Oct 8 2016   hostname=R15 cn=R15 ou=VPN o=MSK c=RU
3       13:19:58 CET Oct 9 2015  13:19:58 CET Oct 8 2016   hostname=R18 cn=R18 ou=VPN o=SPB c=RU
4       13:14:16 CET Oct 8 2017  13:14:16 CET Oct 8 2019   cn=RootCA ou=TAC o=Cisco
5       13:14:16 CET Jul 10 2017 13:14:16 CET Oct 8 2017   hostname=R15 cn=R15 ou=VPN o=MSK c=RU
## Phase 3, after the rollover: save, reload.
Root-CA#clock set 13:14:16 Oct 8 2017
Oct  8 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 13:14:16 CET Mon Jul 10 2017 to 13:14:16 CET Sun Oct 8 2017, configured from console by console.
Root-CA#show crypto pki server
Certificate Server ROOTCA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=RootCA,OU=TAC,O=Cisco
    CA cert fingerprint: C3C27BEB 7CB3020B 75054769 495D95BE
    Granting mode is: auto
    Last certificate issued serial number (hex): 5
    CA certificate expiration timer: 13:14:16 CET Oct 8 2019
    CRL NextUpdate timer: 19:14:16 CET Oct 8 2017
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Auto-Rollover configured, overlap period 90 days
    Autorollover timer: 13:14:16 CET Jul 10 2019
Root-CA#show crypto pki timers
CS Timers
|     6:00:00.000
|     6:00:00.000  CS CRL UPDATE
|640d 0:00:00.000  CS SHADOW CERT GENERATION
|730d 0:00:00.000  CS CERT EXPIRE
Root-CA#write memory
Building configuration...
[OK]
Root-CA#reload
Proceed with reload? [confirm]
Oct  8 13:14:16.000: %SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.
Oct  8 13:14:16.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
Oct  8 13:14:16.000: %PKI-6-TRUSTPOINT_CREATE: Trustpoint: ROOTCA created succesfully
Oct  8 13:14:16.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
Oct  8 13:14:16.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.


Press RETURN to get started!

Root-CA>enable
Root-CA#show crypto pki server
Certificate Server ROOTCA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=RootCA,OU=TAC,O=Cisco
    CA cert fingerprint: C3C27BEB 7CB3020B 75054769 495D95BE
    Granting mode is: auto
    Last certificate issued serial number (hex): 5
    CA certificate expiration timer: 13:14:16 CET Oct 8 2019
    CRL NextUpdate timer: 19:14:16 CET Oct 8 2017
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Auto-Rollover configured, overlap period 90 days
    Autorollover timer: 13:14:16 CET Jul 10 2019
Root-CA#show crypto pki timers
CS Timers
|     6:00:00.000
|     6:00:00.000  CS CRL UPDATE
|640d 0:00:00.000  CS SHADOW CERT GENERATION
|730d 0:00:00.000  CS CERT EXPIRE
Root-CA#show crypto pki certificates
CA Certificate
  Status: Available
  Certificate Serial Number (hex): 04
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
  Associated Trustpoints: ROOTCA
  Storage: nvram:RootCA#4CA.cer
Root-CA#show crypto key mypubkey rsa
% Key pair was generated at: 13:14:16 CET Jul 10 2017
Key name: ROOTCA
Key type: RSA KEYS
 Storage Device: private-config
 Usage: General Purpose Key
 Key is not exportable.
 Key Data:
  30819F30 0D06092A 864886F7 0D010101 05000381 8D003081 89028181 00B9A72F
  C7F62129 C72AE79F 2CB65328 F971BE01 0D05AA63 0B78EE92 06C7FCC5 27EEC5CA
  F021CBE9 DC7C0189 50D67619 901273C7 30DB8DB8 699F495C ED9D8231 26E9550E
  A6C23DD1 3882B7D2 52C8052C 2139FB52 18106093 95A1F859 D6F35BBF CAD734D5
  0F73DC68 DD936BA8 57CDB227 C676DAC9 A04FB0CF C9B9E897 064591C9 E9020301
  0001
Root-CA#show running-config | section crypto pki
crypto pki server ROOTCA
 database level complete
 database archive pkcs12 password 7 01100F175804575D72
 issuer-name CN=RootCA,OU=TAC,O=Cisco
 grant auto
 lifetime ca-certificate 730
 database url flash:iosca-root/
 auto-rollover 90
crypto pki trustpoint ROOTCA
 revocation-check crl
 rsakeypair ROOTCA
crypto pki certificate chain ROOTCA
 certificate ca 04
  30820237 308201A0 A0030201 02020104 300D0609 2A864886 F70D0101 04050030
  2F310E30 0C060355 040A1305 43697363 6F310C30 0A060355 040B1303 54414331
  0F300D06 03550403 1306526F 6F744341 301E170D 31373130 30383132 31343136
  5A170D31 39313030 38313231 3431365A 302F310E 300C0603 55040A13 05436973
  636F310C 300A0603 55040B13 03544143 310F300D 06035504 03130652 6F6F7443
  4130819F 300D0609 2A864886 F70D0101 01050003 818D0030 81890281 8100B9A7
  2FC7F621 29C72AE7 9F2CB653 28F971BE 010D05AA 630B78EE 9206C7FC C527EEC5
  CAF021CB E9DC7C01 8950D676 19901273 C730DB8D B8699F49 5CED9D82 3126E955
  0EA6C23D D13882B7 D252C805 2C2139FB 52181060 9395A1F8 59D6F35B BFCAD734
  D50F73DC 68DD936B A857CDB2 27C676DA C9A04FB0 CFC9B9E8 97064591 C9E90203
  010001A3 63306130 0F060355 1D130101 FF040530 030101FF 300E0603 551D0F01
  01FF0404 03020186 301F0603 551D2304 18301680 1443F45D E82E44C1 B0AF4CE7
  BCDF50E0 61774ADD C1301D06 03551D0E 04160414 43F45DE8 2E44C1B0 AF4CE7BC
  DF50E061 774ADDC1 300D0609 2A864886 F70D0101 04050003 818100B8 02AFD08A
  11C4F6EF E9ECC63C B52925E6 2CFF4B64 E62C835E 2177EDD0 52C1FA7E 944B019B
  C93ED8CC D838CB63 10B4DA31 D24957D0 6CFB578F E86F8F29 0A485672 EE42C85C
  9DCBE5B9 742E67F1 996612B7 CD56BD9C 3DF6107E E3FE75FD B0C4B6C4 22E0F54F
  04FD3485 08BB840D 4E10BF69 A130E954 F595921F 8A10A693 BF98DB
  	quit
Root-CA#crypto pki server ROOTCA request pkcs10 flash:r18.csr
% Granted certificate written to flash:r18.crt
Root-CA#show crypto pki server ROOTCA certificates
Serial Issued date              Expire date               Subject Name
1       13:14:16 CET Oct 9 2015  13:14:16 CET Oct 8 2017   cn=RootCA ou=TAC o=Cisco
2       13:19:58 CET Oct 9 2015  13:19:58 CET Oct 8 2016   hostname=R15 cn=R15 ou=VPN o=MSK c=RU
3       13:19:58 CET Oct 9 2015  13:19:58 CET Oct 8 2016   hostname=R18 cn=R18 ou=VPN o=SPB c=RU
4       13:14:16 CET Oct 8 2017  13:14:16 CET Oct 8 2019   cn=RootCA ou=TAC o=Cisco
5       13:14:16 CET Jul 10 2017 13:14:16 CET Oct 8 2017   hostname=R15 cn=R15 ou=VPN o=MSK c=RU
6       13:14:16 CET Oct 8 2017  13:14:16 CET Oct 8 2018   hostname=R18 cn=R18 ou=VPN o=SPB c=RU
