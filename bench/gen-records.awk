# gen-records.awk: N (-v n=) synthetic prepared-card records of about 40
# fields, with values of the lengths a real DDA card carries.  The values
# are fillers, not card data: the bench measures parsing and writing.
function h(len,   s, i) {
	s = ""
	for (i = 0; i < len; i++)
		s = s sprintf("%02X", (i * 7 + seed) % 256)
	return s
}
BEGIN {
	if (n == "") n = 100000
	seed = 17
	big90 = h(176); big9F46 = h(112); dgi8000 = h(48); r92 = h(36)
	for (i = 1; i <= n; i++) {
		printf "id=B%07d profile=visa-dda 5A=4761739%09d 5F34=01 5F24=281231 5F25=231201", i, i
		printf " 5F20=4A4F484E2F534D495448 5F30=0201 57=4761739%09dD2812201123456789F", i
		printf " 82=3900 94=08010100100102011801020018010201 4F=A0000000031010 50=5649534120435245444954"
		printf " 87=01 5F2D=656E 9F12=56495341 9F08=008C 9F07=FF00 5F28=0840 9F42=0840 9F44=02"
		printf " 8C=9F02069F03069F1A0295055F2A029A039C019F3704 8D=8A029F02069F03069F1A0295055F2A029A039C019F3704"
		printf " 8E=000000000000000042031E031F03 9F0D=F040008800 9F0E=0010000000 9F0F=F040009800"
		printf " 9F4A=82 8F=92 90=%s 92=%s 9F32=03 9F46=%s 9F47=03 9F13=0000 9F14=03 9F23=05", big90, r92, big9F46
		printf " 9F36=0000 9F49=9F3704 kek=kek2 DGI8000=%s DGI9000=A1B2C3D4E5F6A7B8C9\n", dgi8000
	}
}
