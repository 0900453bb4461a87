# visa-cda: a Visa VSDC-like credit product, contact, offline data
# authentication by CDA, cryptogram version 18.  emvperso-profile(5).
#
# Sources of the values (public):
#  [ADVT]  the ICC data of the Visa test card 4761739001010119 in
#          activemerchant/active_merchant@08b1d922edf4f2cd4f8086e54476b9d19fd23aab
#          test/remote/gateways/remote_stripe_emv_test.rb: 4F, 50, 82 (5C00),
#          8E, 9F07, 9F0D/9F0E/9F0F, 9F10 (06010A03A00000), application
#          version 008C.
#  [DUMPS] public Visa card dumps: the CDOL1 8C15 9F0206...9F3704 and
#          CDOL2 8D17 8A02 9F0206...9F3704 of the Visa test card
#          4761739001010010's SFI 3 record 2 (707D 9F420208 40...),
#          replayed by public card simulators; IACs and CVM list the
#          same as [ADVT].
#  [PYEMV] the Visa CVN 18 IAD of knovichikhin/pyemv@f0654a87c6a21fb03961c67e2ea8e58adf0dd052
#          tests/test_cvn_hsm.py::test_visa_cvn18.
#  [CAPK]  Visa's TEST CA public key index 92 (1408 bits) in terminal
#          key tables: openemv/emv-utils@c29b155dcaafe74e3742f5daeaa55bf98c710f73
#          src/emv_capk_static_data.h.
#  [BOOK3] EMV 4.4 Book 3: Annex A (formats), C1 (AIP bits), 10.3 (the
#          SDA tag list); Book 2, 6.5: the default DDOL 9F3704.
name=visa-cda

# Parameters (attributes on every record).
oda=cda
cvn=18
icc-key-bits=1024
icc-key-exponent=03
pin-try-limit=3

# Selection data.
4F=A0000000031010		# Visa credit/debit AID [ADVT]
50="VISA CREDIT"		# application label [ADVT]
87=01				# priority 1, no confirmation
5F2D="en"			# language preference

# AIP: DDA 20, cardholder verification 10, terminal risk management 08,
# issuer authentication 04, CDA 01 [BOOK3 C1]; the ADVT card's 5C00
# with SDA (40) swapped for DDA and CDA.
fixed 82=3D00

# Card risk management.
8C=9F0206 9F0306 9F1A02 9505 5F2A02 9A03 9C01 9F3704	# CDOL1 [DUMPS]
8D=8A02 9F0206 9F0306 9F1A02 9505 5F2A02 9A03 9C01 9F3704	# CDOL2 [DUMPS]
8E=00000000 00000000 1E03 0203 1F00	# signature, online PIN, no CVM [ADVT]
9F07=FF00			# usage control: everywhere [ADVT]
9F08=008C			# VIS 1.4.0 [ADVT]
9F0D=F040008800			# IAC default [ADVT]
9F0E=0010000000			# IAC denial [ADVT]
9F0F=F040009800			# IAC online [ADVT]
9F14=03				# lower consecutive offline limit (issuer's choice)
9F23=05				# upper consecutive offline limit (issuer's choice)
5F28=0840			# issuer country: United States
9F42=0840			# application currency: US dollar
9F44=02				# currency exponent
# IAD: length 06, key index 01, CVN 12 (18), CVR 03A0B800 (the card
# keeps the CVR up to date) [PYEMV].
9F10=06 01 12 03A0B800

# Offline data authentication.
fixed 8F=92			# CA key index: our TEST CA, as Visa test key 92 [CAPK]
9F49=9F3704			# DDOL: the unpredictable number [BOOK3]
9F4A=82				# the AIP is signed too [BOOK3 10.3]

# Records: SFI REC [oda] TAGS (a tag with ? may be absent).
record 1 1 57 5F20 9F1F?
record 2 1 oda 5A 5F24 5F25? 5F28 5F34 9F07 9F0D 9F0E 9F0F 8E 9F4A
record 2 2 oda 8C 8D 9F08 9F42 9F44 5F30 9F14 9F23
record 3 1 8F 9F32 92?
record 3 2 90
record 3 3 9F46
record 3 4 9F47 9F48? 9F49
