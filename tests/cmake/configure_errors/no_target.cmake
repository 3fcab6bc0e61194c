# expect: verifysdk_add_refresh() needs a target name as its first argument.
verifysdk_add_refresh()
