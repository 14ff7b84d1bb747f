## Manual grant, reject and remove (requests submitted from files with
## `request pkcs10 URL`), info requests, ER EXPIRE, revoke / unrevoke and
## the CRL, the issued list, manual rollover and rollover cancel, one-time
## passwords, grant none.
## args: --http-bind 127.0.0.1
## setup: mkdir -p "$DEV/flash" && cp tests/fixtures/ca_key.pem "$DEV/flash/CA" && cp tests/fixtures/cs/test-keys.pem "$DEV/" && cp tests/fixtures/cs/r15.csr tests/fixtures/cs/r18.csr tests/fixtures/cs/r27.csr "$DEV/flash/"
Router>enable
Router#clock set 08:00:00 Mar 24 2025
Mar 24 08:00:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 00:00:00 UTC Mon Mar 1 1993 to 08:00:00 UTC Mon Mar 24 2025, configured from console by console.
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#hostname R12
R12(config)#crypto key import rsa CA pem url flash:CA unused
% Key pair import succeeded.

Mar 24 08:00:00.000: %CRYPTO_ENGINE-5-KEY_ADDITION: A key named CA has been generated or imported by crypto-engine
R12(config)#ip http port 18465
R12(config)#ip http server
R12(config)#crypto pki server CA
R12(cs-server)#database level names
R12(cs-server)#database url flash:ca/
R12(cs-server)#no database archive
R12(cs-server)#lifetime enrollment-request 24
R12(cs-server)#no shutdown
%Some server settings cannot be changed after CA certificate generation.

% Certificate Server enabled.
Mar 24 08:00:00.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
R12(cs-server)#end
Mar 24 08:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
R12#crypto pki server CA request pkcs10 flash:r15.csr
% Enrollment request pending, reqId=1
R12#crypto pki server CA request pkcs10 flash:r18.csr pem
% Enrollment request pending, reqId=2
R12#crypto pki server CA request pkcs10 flash:r27.csr base64
% Enrollment request pending, reqId=3
R12#crypto pki server CA request pkcs10 flash:missing.csr
% Error opening flash:missing.csr (No such file or directory)
R12#crypto pki server CA request pkcs10 flash:CA
% not a valid PKCS #10 request
R12#show crypto pki server CA requests
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
3      pending    4BBA05B4367F43937EB4D7F183531A30 serialNumber=67109296+hostname=R27,cn=R27,o=Otus,c=RU
2      pending    AE59C61CC5FF394D04304168767295AA hostname=R18,cn=R18,ou=VPN,o=SPB,c=RU
1      pending    78EF7550549AFCB0AC60E1219754047A hostname=R15,cn=R15,ou=VPN,o=MSK,c=RU
R12#show crypto pki timers
CS Timers
|     6:00:00.000
|     6:00:00.000  CS CRL UPDATE
|  1d 0:00:00.000  ER EXPIRE 1
|  1d 0:00:00.000  ER EXPIRE 2
|  1d 0:00:00.000  ER EXPIRE 3
|1095d 0:00:00.000  CS CERT EXPIRE
R12#clock set 08:10:00 Mar 24 2025
Mar 24 08:10:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 08:00:00 UTC Mon Mar 24 2025 to 08:10:00 UTC Mon Mar 24 2025, configured from console by console.
R12#crypto pki server CA grant 1
R12#crypto pki server CA reject 2
R12#crypto pki server CA grant 2
% Request 2 is not pending
R12#crypto pki server CA reject 1
% Request 1 is not pending
R12#crypto pki server CA grant 9
% Request 9 not found
R12#crypto pki server CA info requests
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
3      pending    4BBA05B4367F43937EB4D7F183531A30 serialNumber=67109296+hostname=R27,cn=R27,o=Otus,c=RU
2      rejected   AE59C61CC5FF394D04304168767295AA hostname=R18,cn=R18,ou=VPN,o=SPB,c=RU
1      granted    78EF7550549AFCB0AC60E1219754047A hostname=R15,cn=R15,ou=VPN,o=MSK,c=RU
R12#crypto pki server CA remove 2
R12#crypto pki server CA grant all
R12#show crypto pki server CA requests
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
3      granted    4BBA05B4367F43937EB4D7F183531A30 serialNumber=67109296+hostname=R27,cn=R27,o=Otus,c=RU
1      granted    78EF7550549AFCB0AC60E1219754047A hostname=R15,cn=R15,ou=VPN,o=MSK,c=RU
R12#show crypto pki server
Certificate Server CA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=CA
    CA cert fingerprint: AD360CC9 BEABF378 8F1B533D 761AD047
    Granting mode is: manual
    Last certificate issued serial number (hex): 3
    CA certificate expiration timer: 08:00:00 UTC Mar 23 2028
    CRL NextUpdate timer: 14:00:00 UTC Mar 24 2025
    Current primary storage dir: flash:ca/
    Database Level: Names - all issued certs written as <serialnum>.cnm
R12#show crypto pki server CA certificates
Serial Issued date              Expire date               Subject Name
1       08:00:00 UTC Mar 24 2025 08:00:00 UTC Mar 23 2028  cn=CA
2       08:10:00 UTC Mar 24 2025 08:10:00 UTC Mar 24 2026  hostname=R15 cn=R15 ou=VPN o=MSK c=RU
3       08:10:00 UTC Mar 24 2025 08:10:00 UTC Mar 24 2026  serialNumber=67109296+hostname=R27 cn=R27 o=Otus c=RU
R12#more flash:ca/3.cnm
serial 3
issued 2025-03-24T08:10:00Z
expires 2026-03-24T08:10:00Z
subject serialNumber=67109296+hostname=R27 cn=R27 o=Otus c=RU
subject-der ME8xCzAJBgNVBAYTAlJVMQ0wCwYDVQQKDARPdHVzMQwwCgYDVQQDDANSMjcxIzAPBgNVBAUTCDY3MTA5Mjk2MBAGCSqGSIb3DQEJAgwDUjI3
## Revocation: the CRL is made again at once (spec §1.7).
R12#clock set 09:00:00 Mar 24 2025
Mar 24 09:00:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 08:10:00 UTC Mon Mar 24 2025 to 09:00:00 UTC Mon Mar 24 2025, configured from console by console.
R12#crypto pki server CA revoke 2
% Certificate 02 succesfully revoked.
R12#crypto pki server CA revoke 0x2
% Certificate 02 is already revoked
R12#crypto pki server CA revoke 0x3
% Certificate 03 succesfully revoked.
R12#crypto pki server CA revoke 1
% The CA certificate cannot be revoked
R12#crypto pki server CA revoke 9
% Certificate 09 was not issued by this server
R12#show crypto pki server CA crl
Certificate Revocation List:
    Issuer: cn=CA
    This Update: 09:00:00 UTC Mar 24 2025
    Next Update: 15:00:00 UTC Mar 24 2025
    Number of CRL entries: 2
    CRL size: 254 bytes
    Serial Number (hex): 02
    Revocation Date: 09:00:00 UTC Mar 24 2025
    Serial Number (hex): 03
    Revocation Date: 09:00:00 UTC Mar 24 2025
R12#crypto pki server CA info crl
Certificate Revocation List:
    Issuer: cn=CA
    This Update: 09:00:00 UTC Mar 24 2025
    Next Update: 15:00:00 UTC Mar 24 2025
    Number of CRL entries: 2
    CRL size: 254 bytes
    Serial Number (hex): 02
    Revocation Date: 09:00:00 UTC Mar 24 2025
    Serial Number (hex): 03
    Revocation Date: 09:00:00 UTC Mar 24 2025
R12#show crypto pki server | include CRL
    CRL NextUpdate timer: 15:00:00 UTC Mar 24 2025
R12#show crypto pki timers
CS Timers
|     6:00:00.000
|     6:00:00.000  CS CRL UPDATE
|1094d23:00:00.000  CS CERT EXPIRE
R12#crypto pki server CA unrevoke 2
% Certificate 02 succesfully unrevoked.
R12#crypto pki server CA unrevoke 2
% Certificate 02 is not revoked
R12#show crypto pki server CA crl
Certificate Revocation List:
    Issuer: cn=CA
    This Update: 09:00:00 UTC Mar 24 2025
    Next Update: 15:00:00 UTC Mar 24 2025
    Number of CRL entries: 1
    CRL size: 234 bytes
    Serial Number (hex): 03
    Revocation Date: 09:00:00 UTC Mar 24 2025
## Manual rollover (no auto-rollover configured) and its cancellation.
R12#crypto pki server CA rollover
R12#crypto pki server CA rollover
% Rollover certificate already exists
R12#show crypto pki server
Certificate Server CA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=CA
    CA cert fingerprint: AD360CC9 BEABF378 8F1B533D 761AD047
    Granting mode is: manual
    Last certificate issued serial number (hex): 4
    CA certificate expiration timer: 08:00:00 UTC Mar 23 2028
    CRL NextUpdate timer: 15:00:00 UTC Mar 24 2025
    Current primary storage dir: flash:ca/
    Database Level: Names - all issued certs written as <serialnum>.cnm
    Rollover status: available for rollover
    Rollover CA certificate fingerprint: 2767CDBB AEDEF98A 27B7FF14 FC97493D
    Rollover CA certificate expiration time: 08:00:00 UTC Mar 23 2031
R12#show crypto pki certificates
CA Certificate (Rollover)
  Status: Available
  Certificate Serial Number (hex): 04
  Certificate Usage: Signature
  Issuer:
    cn=CA
  Subject:
    Name: CA
    cn=CA
  Validity Date:
    start date: 08:00:00 UTC Mar 23 2028
    end   date: 08:00:00 UTC Mar 23 2031
  Associated Trustpoints: CA

CA Certificate
  Status: Available
  Certificate Serial Number (hex): 01
  Certificate Usage: Signature
  Issuer:
    cn=CA
  Subject:
    cn=CA
  Validity Date:
    start date: 08:00:00 UTC Mar 24 2025
    end   date: 08:00:00 UTC Mar 23 2028
  Associated Trustpoints: CA
R12#show crypto key mypubkey rsa | include Key name
Key name: CA
Key name: CA#
R12#crypto pki server CA rollover cancel
R12#crypto pki server CA rollover cancel
% No rollover certificate
R12#show crypto pki server
Certificate Server CA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=CA
    CA cert fingerprint: AD360CC9 BEABF378 8F1B533D 761AD047
    Granting mode is: manual
    Last certificate issued serial number (hex): 4
    CA certificate expiration timer: 08:00:00 UTC Mar 23 2028
    CRL NextUpdate timer: 15:00:00 UTC Mar 24 2025
    Current primary storage dir: flash:ca/
    Database Level: Names - all issued certs written as <serialnum>.cnm
R12#show crypto pki certificates | include Certificate$|Serial
CA Certificate
  Certificate Serial Number (hex): 01
R12#show crypto key mypubkey rsa | include Key name
Key name: CA
## Requests expire after lifetime enrollment-request (24 hours here).
R12#crypto pki server CA request pkcs10 flash:r18.csr
% Enrollment request pending, reqId=4
R12#show crypto pki timers
CS Timers
|     6:00:00.000
|     6:00:00.000  CS CRL UPDATE
|  1d 0:00:00.000  ER EXPIRE 4
|1094d23:00:00.000  CS CERT EXPIRE
R12#clock set 09:00:00 Mar 25 2025
Mar 25 09:00:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 09:00:00 UTC Mon Mar 24 2025 to 09:00:00 UTC Tue Mar 25 2025, configured from console by console.
R12#show crypto pki server CA requests
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
3      granted    4BBA05B4367F43937EB4D7F183531A30 serialNumber=67109296+hostname=R27,cn=R27,o=Otus,c=RU
1      granted    78EF7550549AFCB0AC60E1219754047A hostname=R15,cn=R15,ou=VPN,o=MSK,c=RU
R12#crypto pki server CA remove all
R12#show crypto pki server CA requests
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
R12#crypto pki server CA password generate 10
% New password: [A-Za-z0-9]{16} (re)
% It can be used once, for 10 minutes.
R12#crypto pki server CA password generate
% New password: [A-Za-z0-9]{16} (re)
% It can be used once, for 60 minutes.
## grant none refuses every request; another server name is unknown.
R12#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
R12(config)#crypto pki server CA
R12(cs-server)#shutdown
Certificate server 'shut' event has been queued for processing.
Mar 25 09:00:00.000: CA:Certificate Server is now disabled.
R12(cs-server)#grant none
R12(cs-server)#no shutdown
Certificate server 'no shut' event has been queued for processing.
Mar 25 09:00:00.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
R12(cs-server)#end
Mar 25 09:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
R12#crypto pki server CA request pkcs10 flash:r15.csr
% Enrollment requests are rejected (grant none)
R12#show crypto pki server | include Granting
    Granting mode is: none
R12#crypto pki server XX grant all
% Certificate server XX not found
R12#show crypto pki server XX
% Certificate server XX not found
## The CA expires without a rollover CA (spec §6 Q7): the server stays
## enabled, refuses requests, arms no timer; a manual rollover still works
## and the new CA is active at once.
R12#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
R12(config)#crypto pki server CA
R12(cs-server)#shutdown
Certificate server 'shut' event has been queued for processing.
Mar 25 09:00:00.000: CA:Certificate Server is now disabled.
R12(cs-server)#grant auto
Mar 25 09:00:00.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
R12(cs-server)#no shutdown
Certificate server 'no shut' event has been queued for processing.
Mar 25 09:00:00.000: %PKI-6-CS_ENABLED: Certificate server now enabled.
Mar 25 09:00:00.000: %PKI-6-CS_GRANT_AUTO: All enrollment requests will be automatically granted.
R12(cs-server)#end
Mar 25 09:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
R12#debug crypto pki server
Crypto PKI Certificate Server debugging is on
R12#clock set 08:00:00 Mar 23 2028
Mar 23 03:00:00.000: CRYPTO_CS: updated crl in memory ..
Mar 23 08:00:00.000: CRYPTO_CS: CA certificate expired; no rollover CA certificate
Mar 23 08:00:00.000: %SYS-6-CLOCKUPDATE: System clock has been updated from 09:00:00 UTC Tue Mar 25 2025 to 08:00:00 UTC Thu Mar 23 2028, configured from console by console.
R12#show crypto pki server
Certificate Server CA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=CA
    CA cert fingerprint: AD360CC9 BEABF378 8F1B533D 761AD047
    Granting mode is: auto
    Last certificate issued serial number (hex): 4
    CA certificate expiration timer: 08:00:00 UTC Mar 23 2028
    CRL NextUpdate timer: 09:00:00 UTC Mar 23 2028
    Current primary storage dir: flash:ca/
    Database Level: Names - all issued certs written as <serialnum>.cnm
R12#show crypto pki timers
R12#crypto pki server CA request pkcs10 flash:r15.csr
% The CA certificate has expired
R12#crypto pki server CA rollover
Mar 23 08:00:00.000: CRYPTO_CS: key 'CA#' does not exist; generated automatically
Mar 23 08:00:00.000: CRYPTO_CS: shadow CA successfully created.
Mar 23 08:00:00.000: CRYPTO_CS: rollover CA certificate activated.
Mar 23 08:00:00.000: CRYPTO_CS: updated crl in memory ..
R12#show crypto pki server
Certificate Server CA:
    Status: enabled
    State: enabled
    Server's configuration is locked  (enter "shut" to unlock it)
    Issuer name: CN=CA
    CA cert fingerprint: 612E348C 10F50D9D 50B78D22 D8C9086E
    Granting mode is: auto
    Last certificate issued serial number (hex): 5
    CA certificate expiration timer: 08:00:00 UTC Mar 23 2031
    CRL NextUpdate timer: 14:00:00 UTC Mar 23 2028
    Current primary storage dir: flash:ca/
    Database Level: Names - all issued certs written as <serialnum>.cnm
R12#show crypto pki timers
CS Timers
|     6:00:00.000
|     6:00:00.000  CS CRL UPDATE
|1095d 0:00:00.000  CS CERT EXPIRE
R12#crypto pki server CA request pkcs10 flash:r15.csr
% Granted certificate written to flash:r15.crt
R12#show crypto pki server CA certificates
Serial Issued date              Expire date               Subject Name
1       08:00:00 UTC Mar 24 2025 08:00:00 UTC Mar 23 2028  cn=CA
2       08:10:00 UTC Mar 24 2025 08:10:00 UTC Mar 24 2026  hostname=R15 cn=R15 ou=VPN o=MSK c=RU
3       08:10:00 UTC Mar 24 2025 08:10:00 UTC Mar 24 2026  serialNumber=67109296+hostname=R27 cn=R27 o=Otus c=RU
4       08:00:00 UTC Mar 23 2028 08:00:00 UTC Mar 23 2031  cn=CA
5       08:00:00 UTC Mar 23 2028 08:00:00 UTC Mar 23 2031  cn=CA
6       08:00:00 UTC Mar 23 2028 08:00:00 UTC Mar 23 2029  hostname=R15 cn=R15 ou=VPN o=MSK c=RU
