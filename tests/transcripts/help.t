## `?` help: a trailing '?' lists what may come next (with <cr> when the
## command may end there), "word?" lists the keywords starting with it; it
## never runs the line.  In batch a '?' ending the line asks for help.
Router>?
  disable   Turn off privileged commands
  enable    Turn on privileged commands
  exit      Exit from the EXEC
  logout    Exit from the EXEC
  show      Show running system information
  terminal  Set terminal line parameters

Router>show ?
  clock    Display the system clock
  crypto   Encryption module
  history  Display the session command history
  ip       IP information
  version  System hardware and software status

Router>sh?
show  

Router>show clock ?
  detail  Display detailed information
  |       Output modifiers
  <cr>

Router>show cl?
clock  

Router>show foo ?
            ^
% Invalid input detected at '^' marker.

Router>sho fo?
% Unrecognized command
Router>enable
Router#show ?
  clock           Display the system clock
  crypto          Encryption module
  debugging       State of each debugging option
  history         Display the session command history
  ip              IP information
  logging         Show the contents of logging buffers
  running-config  Current operating configuration
  startup-config  Contents of startup configuration
  version         System hardware and software status

Router#sh run ?
  |  Output modifiers
  <cr>

Router#show running-config | ?
  begin    Begin with the line that matches
  count    Count number of lines which match regexp
  exclude  Exclude lines that match
  include  Include lines that match
  section  Filter a section of output

Router#show run | i ?
  LINE  Regular Expression

Router#show run | inc?
include  

Router#di?
dir  disable  

Router#clock set ?
  hh:mm:ss  Current Time

Router#clock set 10:00:00 ?
  <1-31>  Day of the month
  MONTH   Month of the year

Router#clock set 10:00:00 Oct ?
  <1-31>  Day of the month

Router#clock set 10:00:00 9 Oct 2015 ?
  <cr>

## help never executes: the clock did not move
Router#show clock
*00:00:00.000 UTC Mon Mar 1 1993
Router#configure terminal
Enter configuration commands, one per line.  End with CNTL/Z.
Router(config)#?
  clock     Configure time-of-day clock
  crypto    Encryption module
  default   Set a command to its defaults
  do        To run exec commands in config mode
  end       Exit from configure mode
  exit      Exit from the current mode
  hostname  Set system's network name
  ip        Global IP configuration subcommands
  line      Configure a terminal line
  logging   Modify message logging facilities
  no        Negate a command or set its defaults

Router(config)#hostname ?
  WORD  This system's network name

Router(config)#hostname R1 ?
  <cr>

Router(config)#no ?
  clock     Configure time-of-day clock
  crypto    Encryption module
  hostname  Set system's network name
  ip        Global IP configuration subcommands
  line      Configure a terminal line
  logging   Modify message logging facilities

Router(config)#no hostname ?
  WORD  This system's network name
  <cr>

Router(config)#logging buffered ?
  <4096-2147483647>  Logging buffer size
  <0-7>              Logging severity level
  alerts             Immediate action needed           (severity=1)
  critical           Critical conditions               (severity=2)
  debugging          Debugging messages                (severity=7)
  emergencies        System is unusable                (severity=0)
  errors             Error conditions                  (severity=3)
  informational      Informational messages            (severity=6)
  notifications      Normal but significant conditions (severity=5)
  warnings           Warning conditions                (severity=4)
  <cr>

Router(config)#clock timezone CET ?
  <-23 - 23>  Hours offset from UTC

Router(config)#do ?
  clock      Manage the system clock
  configure  Enter configuration mode
  copy       Copy from one file to another
  crypto     Encryption related commands.
  debug      Debugging functions (see also 'undebug')
  dir        List files on a filesystem
  disable    Turn off privileged commands
  enable     Turn on privileged commands
  erase      Erase a filesystem
  exit       Exit from the EXEC
  logout     Exit from the EXEC
  more       Display the contents of a file
  reload     Halt and perform a cold restart
  show       Show running system information
  terminal   Set terminal line parameters
  undebug    Disable debugging functions (see also 'debug')
  write      Write running configuration to memory, network, or terminal

Router(config)#do sh?
show  

Router(config)#do show clock ?
  detail  Display detailed information
  |       Output modifiers
  <cr>

Router(config)#line vty 0 4
## A bare '?' lists the sub-mode; words walk up like commands do.
Router(config-line)#?
  default  Set a command to its defaults
  do       To run exec commands in config mode
  end      Exit from configure mode
  exit     Exit from the current mode
  history  Enable and control the command history function
  length   Set number of lines on a screen
  logging  Modify message logging facilities
  no       Negate a command or set its defaults

Router(config-line)#length ?
  <0-512>  Number of lines on screen (0 for no pausing)

Router(config-line)#host?
hostname  

Router(config-line)#hostname ?
  WORD  This system's network name

Router(config-line)#do sh?
show  

Router(config-line)#foo ?
                    ^
% Invalid input detected at '^' marker.

Router(config-line)#fo?
% Unrecognized command
## help did not leave the sub-mode
Router(config-line)#end
*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console
Router#
