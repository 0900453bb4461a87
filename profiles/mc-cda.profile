# mc-cda: a Mastercard M/Chip-like credit product, contact, offline data
# authentication by CDA, cryptogram version 20.  emvperso-profile(5).
#
# Sources of the values (public):
#  [V20]   the real Mastercard DDA card of
#          lumag/emv-tools@fcd6aa0c5b0f9129fee4016549fbca5a52f01a42
#          test/dda-test.c (tests/vectors/tlv-static-data.hex): its signed
#          records give 82 (3900), 8C, 8D, 8E, 9F07, 9F0D/9F0E/9F0F, 9F4A
#          and the order of the data in its ODA record.
#  [CAPK]  Mastercard's TEST CA public key index F1 (1408 bits) in terminal
#          key tables: openemv/emv-utils@c29b155dcaafe74e3742f5daeaa55bf98c710f73
#          src/emv_capk_static_data.h.
#  [PYEMV] the M/Chip IAD of knovichikhin/pyemv@f0654a87c6a21fb03961c67e2ea8e58adf0dd052
#          tests/test_cvn_hsm.py::test_mastercard_cvn16 (key index,
#          CVN, CVR (6), DAC (2), counters (8); the card keeps CVR and
#          counters up to date), with this profile's CVN.
#  [BOOK3] EMV 4.4 Book 3: Annex A (formats), C1 (AIP bits), 10.3 (the
#          SDA tag list); Book 2, 6.5: the default DDOL 9F3704.
name=mc-cda

# Parameters (attributes on every record).
oda=cda
cvn=20
icc-key-bits=1152
icc-key-exponent=03
pin-try-limit=3

# Selection data.
4F=A0000000041010		# Mastercard credit/debit AID
50="MASTERCARD"			# application label
87=01				# priority 1, no confirmation
5F2D="en"			# language preference

# AIP: DDA 20, cardholder verification 10, terminal risk management 08,
# CDA 01 [BOOK3 C1]: the V20 card's own [V20].
fixed 82=3900

# Card risk management [V20].
8C=9F0206 9F0306 9F1A02 9505 5F2A02 9A03 9C01 9F3704 9F3501 9F4502 9F4C08 9F3403
8D=910A 8A02 9505 9F3704 9F4C08
8E=00000000 00000000 1E03 1F03	# signature, else no CVM
9F07=FF00			# usage control: everywhere
9F0D=BC50BC0000			# IAC default
9F0E=0000000000			# IAC denial
9F0F=BC70BC9800			# IAC online
9F08=0002			# M/Chip 4 application version
5F28=0840			# issuer country: United States (V20 has 0643)
9F42=0840			# application currency: US dollar
9F44=02				# currency exponent
9F10=01 14 A00003220000 0000 00000000000000FF	# IAD, CVN 14 (20) [PYEMV]

# Offline data authentication.
fixed 8F=F1			# CA key index: our TEST CA, as Mastercard test key F1 [CAPK]
9F49=9F3704			# DDOL: the unpredictable number [BOOK3]
9F4A=82				# the AIP is signed too [V20]

# Records: SFI REC [oda] TAGS (a tag with ? may be absent).
record 1 1 57 5F20 9F1F?
record 2 1 oda 5F25? 5F24 5A 5F34 8E 9F07 9F0D 9F0E 9F0F 9F4A 5F28 8C 8D
record 2 2 9F08 9F42 9F44 5F30
record 3 1 8F 9F32 92?
record 3 2 90
record 4 1 9F46
record 4 2 9F47 9F48? 9F49
