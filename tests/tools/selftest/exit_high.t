## Must fail: status >= 128 without "## exit:".
R#exit 130
