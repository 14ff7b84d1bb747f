## exit: 3
R#exit 3
