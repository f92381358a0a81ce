#!/usr/bin/env python3
# embed_xsd.py - turns the configuration schema into a C source file, so that
# the library validates against the very schema it was built with and needs
# no file at run time. Usage: embed_xsd.py SCHEMA.xsd OUTPUT.c
import sys

data = open(sys.argv[1], 'rb').read()
rows = []
for i in range(0, len(data), 16):
    rows.append('\t' + ' '.join('0x%02x,' % b for b in data[i:i + 16]))
with open(sys.argv[2], 'w') as out:
    out.write('/* Generated from e911-config.xsd by embed_xsd.py: do not edit. */\n')
    out.write('#include "policy_internal.h"\n\n')
    out.write('const unsigned char policy_xsd[] = {\n' + '\n'.join(rows) + '\n\t0x00\n};\n')
    out.write('const size_t policy_xsd_len = %d;\n' % len(data))
