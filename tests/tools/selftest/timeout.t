## Must fail after about 1 second.
## timeout: 1
R#sleep 30
