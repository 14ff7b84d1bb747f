## Must fail: wrong exit status.
## exit: 0
R#exit 4
