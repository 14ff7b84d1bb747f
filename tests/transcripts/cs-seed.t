## The seed's certificate server (spec §5.12; seed document S1): ROOTCA
## configured at 13:14:16 CET Oct 9 2015 with a fixed imported key, so
## every certificate is byte-identical on every run; timers at 13:19:58
## (spec §3.2's worked example, whole seconds here: the clock is set to the
## second), the shadow CA on Jul 10 2017 with `debug crypto pki server`
## (spec §3.2, §5.11), the "after shadow generation" forms of spec §5.1 and
## §5.5, and the rollover on Oct 8 2017.  The database url is rewritten to
## flash:iosca-root/ and HTTP listens on 127.0.0.1 only.
## args: --http-bind 127.0.0.1
## setup: mkdir -p "$DEV/flash" && cp tests/fixtures/cs/rootca-enc.pem "$DEV/flash/ROOTCA" && cp tests/fixtures/cs/test-keys.pem "$DEV/" && cp tests/fixtures/cs/r15.csr tests/fixtures/cs/r18.csr tests/fixtures/cs/r27.csr "$DEV/flash/"
Router>enable
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#hostname Root-CA
Root-CA(config)#clock timezone CET 1
Root-CA(config)#end
*Mar  1 01:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Root-CA#clock set 13:14:16 Oct 9 2015
Oct  9 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 01:00:00 CET Mon Mar 1 1993 to 13:14:16 CET Fri Oct 9 2015, configured from console by console.
Root-CA#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Root-CA(config)#crypto key import rsa ROOTCA pem url flash:ROOTCA cisco123
% Key pair import succeeded.

Oct  9 13:14:16.000: %CRYPTO_ENGINE-5-KEY_ADDITION: A key named ROOTCA has been generated or imported by crypto-engine
Root-CA(config)#ip http port 18461
Root-CA(config)#ip http server
Root-CA(config)#crypto pki server ROOTCA
Root-CA(cs-server)# database level complete
Root-CA(cs-server)# database archive pkcs12 password 7 01100F175804575D72
Root-CA(cs-server)# issuer-name CN=RootCA,OU=TAC,O=Cisco
Root-CA(cs-server)# grant auto
Oct  9 13:14:16.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
Root-CA(cs-server)# lifetime certificate 365
Root-CA(cs-server)# lifetime ca-certificate 730
Root-CA(cs-server)# database url flash:iosca-root/
Root-CA(cs-server)# auto-rollover 90
Root-CA(cs-server)#show
 serial-number 0x0
 database level complete
 database archive pkcs12 password 7 01100F175804575D72
 issuer-name CN=RootCA,OU=TAC,O=Cisco
 grant auto
 lifetime crl 6
 lifetime certificate 365
 lifetime ca-certificate 730
 lifetime enrollment-request 168
 database url flash:iosca-root/
 auto-rollover 90
Root-CA(cs-server)#no shutdown
%Some server settings cannot be changed after CA certificate generation.
% Exporting Certificate Server signing certificate and keys...

% Certificate Server enabled.
Oct  9 13:14:16.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
Oct  9 13:14:16.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
Root-CA(cs-server)#show
 serial-number 0x1
 database level complete
 database archive pkcs12 password 7 01100F175804575D72
 issuer-name CN=RootCA,OU=TAC,O=Cisco
 grant auto
 lifetime crl 6
 lifetime certificate 365
 lifetime ca-certificate 730
 lifetime enrollment-request 168
 database url flash:iosca-root/
 auto-rollover 90
Root-CA(cs-server)#end
Oct  9 13:14:16.000: %SYS-5-CONFIG_I: Configured from console by console
Root-CA#write memory
Building configuration...
[OK]
Root-CA#clock set 13:19:58 Oct 9 2015
Oct  9 13:19:58.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 13:14:16 CET Fri Oct 9 2015 to 13:19:58 CET Fri Oct 9 2015, configured from console by console.
Root-CA#terminal exec prompt timestamp
Root-CA#show crypto pki timers
Load for five secs: 0%/0%; one minute: 0%; five minutes: 0%
Time source is user configuration, 13:19:58.000 CET Fri Oct 9 2015
CS Timers
|     5:54:18.000
|     5:54:18.000  CS CRL UPDATE
|639d23:54:18.000  CS SHADOW CERT GENERATION
|729d23:54:18.000  CS CERT EXPIRE
Root-CA#terminal no exec prompt timestamp
Root-CA#show crypto pki timers detail
CS Timers
|     5:54:18.000  (2015-10-09T18:14:16Z)
  |     5:54:18.000  (2015-10-09T18:14:16Z) CS CRL UPDATE
  |639d23:54:18.000  (2017-07-10T12:14:16Z) CS SHADOW CERT GENERATION
  |729d23:54:18.000  (2017-10-08T12:14:16Z) CS CERT EXPIRE
Root-CA#show crypto pki server
Certificate Server ROOTCA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=RootCA,OU=TAC,O=Cisco
    CA cert fingerprint: C6815589 3F3DED78 1B519102 5023E514
    Granting mode is: auto
    Last certificate issued serial number (hex): 1
    CA certificate expiration timer: 13:14:16 CET Oct 8 2017
    CRL NextUpdate timer: 19:14:16 CET Oct 9 2015
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Auto-Rollover configured, overlap period 90 days
    Autorollover timer: 13:14:16 CET Jul 10 2017
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
Root-CA#show crypto pki certificates verbose ROOTCA
CA Certificate
  Status: Available
  Version: 3
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
  Subject Key Info:
    Public Key Algorithm: rsaEncryption
    RSA Public Key: (1024 bit)
  Signature Algorithm: MD5 with RSA Encryption
  Fingerprint MD5: C6815589 3F3DED78 1B519102 5023E514
  Fingerprint SHA1: B810F4F0 4FC27CB4 30B46764 ABE7B255 4DDF3401
  X509v3 extensions:
    X509v3 Key Usage: 86000000
      Digital Signature
      Key Cert Sign
      CRL Signature
    X509v3 Subject Key ID: F52BD654 D9C55872 50688965 B1DB5383 5BD42E0D
    X509v3 Basic Constraints:
        CA: TRUE
    X509v3 Authority Key ID: F52BD654 D9C55872 50688965 B1DB5383 5BD42E0D
    Authority Info Access:
  Cert install time: 13:14:16 CET Oct 9 2015
  Associated Trustpoints: ROOTCA
  Storage: nvram:RootCA#1CA.cer
Root-CA#show crypto pki trustpoints
Trustpoint ROOTCA:
    Subject Name:
    cn=RootCA
    ou=TAC
    o=Cisco
          Serial Number (hex): 01
    Certificate configured.
Root-CA#show crypto pki trustpoints ROOTCA status
Trustpoint ROOTCA:
  Issuing CA certificate configured:
    Subject Name:
     cn=RootCA,ou=TAC,o=Cisco
    Fingerprint MD5: C6815589 3F3DED78 1B519102 5023E514 
    Fingerprint SHA1: B810F4F0 4FC27CB4 30B46764 ABE7B255 4DDF3401 
  State:
    Keys generated ............. Yes (General Purpose, non-exportable)
    Issuing CA authenticated ....... Yes
    Certificate request(s) ..... None
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
Root-CA#show crypto pki server ROOTCA crl
Certificate Revocation List:
    Issuer: cn=RootCA ou=TAC o=Cisco
    This Update: 13:14:16 CET Oct 9 2015
    Next Update: 19:14:16 CET Oct 9 2015
    Number of CRL entries: 0
    CRL size: 246 bytes
Root-CA#show crypto pki server ROOTCA requests
Enrollment Request Database:

Subordinate CA certificate requests:
ReqID  State      Fingerprint                      SubjectName
--------------------------------------------------------------

RA certificate requests:
ReqID  State      Fingerprint                      SubjectName
--------------------------------------------------------------

Router certificates requests:
ReqID  State      Fingerprint                      SubjectName
--------------------------------------------------------------
Root-CA#show running-config
Building configuration...

Current configuration : 1806 bytes
!
hostname Root-CA
!
clock timezone CET 1 0
!
crypto pki server ROOTCA
 database level complete
 database archive pkcs12 password 7 01100F175804575D72
 issuer-name CN=RootCA,OU=TAC,O=Cisco
 grant auto
 lifetime ca-certificate 730
 database url flash:iosca-root/
 auto-rollover 90
!
crypto pki trustpoint ROOTCA
 revocation-check crl
 rsakeypair ROOTCA
!
crypto pki certificate chain ROOTCA
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
!
ip http server
ip http port 18461
!
line con 0
line vty 0 4
!
end
## A router certificate before the shadow CA (grant auto: issued at once,
## serial 2, written next to the request as flash:r15.crt).
Root-CA#clock set 09:00:00 Oct 12 2015
Oct 12 09:00:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 13:19:58 CET Fri Oct 9 2015 to 09:00:00 CET Mon Oct 12 2015, configured from console by console.
Root-CA#crypto pki server ROOTCA request pkcs10 flash:r15.csr
% Granted certificate written to flash:r15.crt
Root-CA#show crypto pki server ROOTCA requests
Enrollment Request Database:

Subordinate CA certificate requests:
ReqID  State      Fingerprint                      SubjectName
--------------------------------------------------------------

RA certificate requests:
ReqID  State      Fingerprint                      SubjectName
--------------------------------------------------------------

Router certificates requests:
ReqID  State      Fingerprint                      SubjectName
--------------------------------------------------------------
1      granted    78EF7550549AFCB0AC60E1219754047A hostname=R15,cn=R15,ou=VPN,o=MSK,c=RU
## One second before the shadow timer: nothing happened yet.
Root-CA#debug crypto pki server
Crypto PKI Certificate Server debugging is on
Root-CA#clock set 13:14:15 Jul 10 2017
Jul 10 07:14:16.000: CRYPTO_CS: updated crl in memory ..
Jul 10 13:14:15.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 09:00:00 CET Mon Oct 12 2015 to 13:14:15 CET Mon Jul 10 2017, configured from console by console.
Root-CA#show crypto pki timers
CS Timers
|           1.000
|           1.000  CS SHADOW CERT GENERATION
|           1.000  CS CRL UPDATE
| 90d 0:00:01.000  CS CERT EXPIRE
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
    CRL NextUpdate timer: 13:14:16 CET Jul 10 2017
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Auto-Rollover configured, overlap period 90 days
    Autorollover timer: 13:14:16 CET Jul 10 2017
## CS SHADOW CERT GENERATION fires (debug lines of spec §3.2 / §5.11): key
## ROOTCA# is made (from test-keys.pem, see docs/testing.md), the rollover
## CA certificate takes serial 3 as in the seed.
Root-CA#clock set 13:14:16 Jul 10 2017
Jul 10 13:14:16.000: CRYPTO_CS: shadow generation timer fired.
Jul 10 13:14:16.000: CRYPTO_CS: key 'ROOTCA#' does not exist; generated automatically
Jul 10 13:14:16.000: CRYPTO_CS: shadow CA successfully created.
Jul 10 13:14:16.000: CRYPTO_CS: exporting shadow CA key and cert
Jul 10 13:14:16.000: CRYPTO_CS: file opened: flash:iosca-root/ROOTCA_00001.p12
Jul 10 13:14:16.000: CRYPTO_CS: updated crl in memory ..
Jul 10 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 13:14:15 CET Mon Jul 10 2017 to 13:14:16 CET Mon Jul 10 2017, configured from console by console.
Root-CA#undebug all
All possible debugging has been turned off
Root-CA#show crypto pki timers
CS Timers
|     6:00:00.000
|     6:00:00.000  CS CRL UPDATE
| 90d 0:00:00.000  CS CERT EXPIRE
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
Root-CA#show crypto pki certificates
CA Certificate (Rollover)
  Status: Available
  Certificate Serial Number (hex): 03
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
## Three more router certificates, issued by the active CA and capped at its
## expiry (spec §3.5): the last serial is 6, as in the seed's sample.
Root-CA#clock set 13:14:30 Jul 10 2017
Jul 10 13:14:30.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 13:14:16 CET Mon Jul 10 2017 to 13:14:30 CET Mon Jul 10 2017, configured from console by console.
Root-CA#crypto pki server ROOTCA request pkcs10 flash:r18.csr
% Granted certificate written to flash:r18.crt
Root-CA#crypto pki server ROOTCA request pkcs10 flash:r27.csr
% Granted certificate written to flash:r27.crt
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
    Last certificate issued serial number (hex): 6
    CA certificate expiration timer: 13:14:16 CET Oct 8 2017
    CRL NextUpdate timer: 19:14:16 CET Jul 10 2017
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Rollover status: available for rollover
    Rollover CA certificate fingerprint: BCE34EFE CF9CE6FB 7C01ABBF A4FD9B49
    Rollover CA certificate expiration time: 13:14:16 CET Oct 8 2019
    Auto-Rollover configured, overlap period 90 days
Root-CA#show crypto pki server ROOTCA certificates
Serial Issued date              Expire date               Subject Name
1       13:14:16 CET Oct 9 2015  13:14:16 CET Oct 8 2017   cn=RootCA ou=TAC o=Cisco
2       09:00:00 CET Oct 12 2015 09:00:00 CET Oct 11 2016  hostname=R15 cn=R15 ou=VPN o=MSK c=RU
3       13:14:16 CET Oct 8 2017  13:14:16 CET Oct 8 2019   cn=RootCA ou=TAC o=Cisco
4       13:14:30 CET Jul 10 2017 13:14:16 CET Oct 8 2017   hostname=R18 cn=R18 ou=VPN o=SPB c=RU
5       13:14:30 CET Jul 10 2017 13:14:16 CET Oct 8 2017   serialNumber=67109296+hostname=R27 cn=R27 o=Otus c=RU
6       13:14:30 CET Jul 10 2017 13:14:16 CET Oct 8 2017   hostname=R15 cn=R15 ou=VPN o=MSK c=RU
Root-CA#show running-config | section chain
crypto pki certificate chain ROOTCA
 certificate ca rollover 03
  30820237 308201A0 A0030201 02020103 300D0609 2A864886 F70D0101 04050030
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
  DF50E061 774ADDC1 300D0609 2A864886 F70D0101 04050003 81810089 83429E21
  F9EB9327 B2A33B98 8F5EF87E EF885322 7D740712 A34C974E D04F4520 06C9D126
  6F662676 6D927C67 26A4BD16 A6393AB0 F7604EE3 23AFBED3 D213288B 9F3C0907
  A5E523CF 445F5C70 4FB82B9F 59EAC080 B22299A8 DD10234E EE3D788F 031F6A22
  350925F5 106B17F6 EF29AC8B 0E7B4287 8DB38567 C926D643 B6516D
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
Root-CA#write memory
Building configuration...
[OK]
## Oct 8 2017 13:14:16: CS CERT EXPIRE, the rollover CA becomes the CA, key
## ROOTCA# becomes ROOTCA, the timers follow the new CA (spec §3.6).
Root-CA#clock set 13:14:15 Oct 8 2017
Oct  8 13:14:15.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 13:14:30 CET Mon Jul 10 2017 to 13:14:15 CET Sun Oct 8 2017, configured from console by console.
Root-CA#show crypto pki timers
CS Timers
|           1.000
|           1.000  CS CRL UPDATE
|           1.000  CS CERT EXPIRE
Root-CA#debug crypto pki server
Crypto PKI Certificate Server debugging is on
Root-CA#clock set 13:14:16 Oct 8 2017
Oct  8 13:14:16.000: CRYPTO_CS: rollover CA certificate activated.
Oct  8 13:14:16.000: CRYPTO_CS: updated crl in memory ..
Oct  8 13:14:16.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 13:14:15 CET Sun Oct 8 2017 to 13:14:16 CET Sun Oct 8 2017, configured from console by console.
Root-CA#show crypto pki timers
CS Timers
|     6:00:00.000
|     6:00:00.000  CS CRL UPDATE
|640d 0:00:00.000  CS SHADOW CERT GENERATION
|730d 0:00:00.000  CS CERT EXPIRE
Root-CA#show crypto pki server
Certificate Server ROOTCA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=RootCA,OU=TAC,O=Cisco
    CA cert fingerprint: BCE34EFE CF9CE6FB 7C01ABBF A4FD9B49
    Granting mode is: auto
    Last certificate issued serial number (hex): 6
    CA certificate expiration timer: 13:14:16 CET Oct 8 2019
    CRL NextUpdate timer: 19:14:16 CET Oct 8 2017
    Current primary storage dir: flash:iosca-root/
    Database Level: Complete - all issued certs written as <serialnum>.cer
    Auto-Rollover configured, overlap period 90 days
    Autorollover timer: 13:14:16 CET Jul 10 2019
Root-CA#show crypto pki certificates
CA Certificate
  Status: Available
  Certificate Serial Number (hex): 03
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
Root-CA#show crypto key mypubkey rsa
% Key pair was generated at: 13:14:16 CET Jul 10 2017
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
Root-CA#show crypto pki server ROOTCA crl
Certificate Revocation List:
    Issuer: cn=RootCA ou=TAC o=Cisco
    This Update: 13:14:16 CET Oct 8 2017
    Next Update: 19:14:16 CET Oct 8 2017
    Number of CRL entries: 0
    CRL size: 246 bytes
Root-CA#show running-config | section chain
crypto pki certificate chain ROOTCA
 certificate ca 03
  30820237 308201A0 A0030201 02020103 300D0609 2A864886 F70D0101 04050030
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
  DF50E061 774ADDC1 300D0609 2A864886 F70D0101 04050003 81810089 83429E21
  F9EB9327 B2A33B98 8F5EF87E EF885322 7D740712 A34C974E D04F4520 06C9D126
  6F662676 6D927C67 26A4BD16 A6393AB0 F7604EE3 23AFBED3 D213288B 9F3C0907
  A5E523CF 445F5C70 4FB82B9F 59EAC080 B22299A8 DD10234E EE3D788F 031F6A22
  350925F5 106B17F6 EF29AC8B 0E7B4287 8DB38567 C926D643 B6516D
  	quit
