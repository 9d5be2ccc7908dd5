# Resource object code (Python 3)
# Created by: object code
# Created by: The Resource Compiler for Qt version 6.12.0
# WARNING! All changes made in this file will be lost!

from PySide6 import QtCore

qt_resource_data = b"\
\x00\x00\x02&\
<\
svg xmlns=\x22http:\
//www.w3.org/200\
0/svg\x22 width=\x2225\
6\x22 height=\x22256\x22 \
viewBox=\x220 0 256\
 256\x22>\x0a  <!-- Sy\
nergy Desk: a sp\
eech bubble with\
 a tick, on the \
desk's blue. -->\
\x0a  <rect x=\x228\x22 y\
=\x228\x22 width=\x22240\x22\
 height=\x22240\x22 rx\
=\x2252\x22 ry=\x2252\x22 fi\
ll=\x22#1f4e8c\x22/>\x0a \
 <path d=\x22M64 60\
 H192 A28 28 0 0\
 1 220 88 V152 A\
28 28 0 0 1 192 \
180 H120 L80 214\
 V180 H64 A28 28\
 0 0 1 36 152 V8\
8 A28 28 0 0 1 6\
4 60 Z\x22\x0a        \
fill=\x22#ffffff\x22/>\
\x0a  <path d=\x22M88 \
122 L118 150 L17\
0 96\x22 fill=\x22none\
\x22 stroke=\x22#0f6b3\
a\x22 stroke-width=\
\x2220\x22\x0a        str\
oke-linecap=\x22rou\
nd\x22 stroke-linej\
oin=\x22round\x22/>\x0a</\
svg>\x0a\
\x00\x00\x09\xe7\
D\
ejaVu fonts 2.37\
 (DejaVuSans.ttf\
, DejaVuSans-Bol\
d.ttf)\x0ahttps://d\
ejavu-fonts.gith\
ub.io/\x0a\x0aFonts ar\
e (c) Bitstream \
(see below). Dej\
aVu changes are \
in public domain\
.\x0a\x0aBitstream Ver\
a Fonts Copyrigh\
t\x0a--------------\
----------------\
\x0a\x0aCopyright (c) \
2003 by Bitstrea\
m, Inc. All Righ\
ts Reserved. Bit\
stream Vera is\x0aa\
 trademark of Bi\
tstream, Inc.\x0a\x0aP\
ermission is her\
eby granted, fre\
e of charge, to \
any person obtai\
ning a copy\x0aof t\
he fonts accompa\
nying this licen\
se (\x22Fonts\x22) and\
 associated\x0adocu\
mentation files \
(the \x22Font Softw\
are\x22), to reprod\
uce and distribu\
te the\x0aFont Soft\
ware, including \
without limitati\
on the rights to\
 use, copy, merg\
e,\x0apublish, dist\
ribute, and/or s\
ell copies of th\
e Font Software,\
 and to permit\x0ap\
ersons to whom t\
he Font Software\
 is furnished to\
 do so, subject \
to the\x0afollowing\
 conditions:\x0a\x0aTh\
e above copyrigh\
t and trademark \
notices and this\
 permission noti\
ce shall\x0abe incl\
uded in all copi\
es of one or mor\
e of the Font So\
ftware typefaces\
.\x0a\x0aThe Font Soft\
ware may be modi\
fied, altered, o\
r added to, and \
in particular\x0ath\
e designs of gly\
phs or character\
s in the Fonts m\
ay be modified a\
nd\x0aadditional gl\
yphs or characte\
rs may be added \
to the Fonts, on\
ly if the fonts\x0a\
are renamed to n\
ames not contain\
ing either the w\
ords \x22Bitstream\x22\
 or the word\x0a\x22Ve\
ra\x22.\x0a\x0aThis Licen\
se becomes null \
and void to the \
extent applicabl\
e to Fonts or Fo\
nt\x0aSoftware that\
 has been modifi\
ed and is distri\
buted under the \
\x22Bitstream\x0aVera\x22\
 names.\x0a\x0aThe Fon\
t Software may b\
e sold as part o\
f a larger softw\
are package but \
no\x0acopy of one o\
r more of the Fo\
nt Software type\
faces may be sol\
d by itself.\x0a\x0aTH\
E FONT SOFTWARE \
IS PROVIDED \x22AS \
IS\x22, WITHOUT WAR\
RANTY OF ANY KIN\
D, EXPRESS\x0aOR IM\
PLIED, INCLUDING\
 BUT NOT LIMITED\
 TO ANY WARRANTI\
ES OF MERCHANTAB\
ILITY,\x0aFITNESS F\
OR A PARTICULAR \
PURPOSE AND NONI\
NFRINGEMENT OF C\
OPYRIGHT, PATENT\
,\x0aTRADEMARK, OR \
OTHER RIGHT. IN \
NO EVENT SHALL B\
ITSTREAM OR THE \
GNOME\x0aFOUNDATION\
 BE LIABLE FOR A\
NY CLAIM, DAMAGE\
S OR OTHER LIABI\
LITY, INCLUDING\x0a\
ANY GENERAL, SPE\
CIAL, INDIRECT, \
INCIDENTAL, OR C\
ONSEQUENTIAL DAM\
AGES,\x0aWHETHER IN\
 AN ACTION OF CO\
NTRACT, TORT OR \
OTHERWISE, ARISI\
NG FROM, OUT OF\x0a\
THE USE OR INABI\
LITY TO USE THE \
FONT SOFTWARE OR\
 FROM OTHER DEAL\
INGS IN THE\x0aFONT\
 SOFTWARE.\x0a\x0aExce\
pt as contained \
in this notice, \
the names of Gno\
me, the Gnome\x0aFo\
undation, and Bi\
tstream Inc., sh\
all not be used \
in advertising o\
r\x0aotherwise to p\
romote the sale,\
 use or other de\
alings in this F\
ont Software\x0awit\
hout prior writt\
en authorization\
 from the Gnome \
Foundation or Bi\
tstream\x0aInc., re\
spectively. For \
further informat\
ion, contact: fo\
nts at gnome dot\
\x0aorg.\x0a\
\x00\x00\x041\
M\
IT License\x0a\x0aCopy\
right (c) 2020-2\
026 Pawe\xc5\x82 Kuna\x0a\
\x0aPermission is h\
ereby granted, f\
ree of charge, t\
o any person obt\
aining a copy\x0aof\
 this software a\
nd associated do\
cumentation file\
s (the \x22Software\
\x22), to deal\x0ain t\
he Software with\
out restriction,\
 including witho\
ut limitation th\
e rights\x0ato use,\
 copy, modify, m\
erge, publish, d\
istribute, subli\
cense, and/or se\
ll\x0acopies of the\
 Software, and t\
o permit persons\
 to whom the Sof\
tware is\x0afurnish\
ed to do so, sub\
ject to the foll\
owing conditions\
:\x0a\x0aThe above cop\
yright notice an\
d this permissio\
n notice shall b\
e included in al\
l\x0acopies or subs\
tantial portions\
 of the Software\
.\x0a\x0aTHE SOFTWARE \
IS PROVIDED \x22AS \
IS\x22, WITHOUT WAR\
RANTY OF ANY KIN\
D, EXPRESS OR\x0aIM\
PLIED, INCLUDING\
 BUT NOT LIMITED\
 TO THE WARRANTI\
ES OF MERCHANTAB\
ILITY,\x0aFITNESS F\
OR A PARTICULAR \
PURPOSE AND NONI\
NFRINGEMENT. IN \
NO EVENT SHALL T\
HE\x0aAUTHORS OR CO\
PYRIGHT HOLDERS \
BE LIABLE FOR AN\
Y CLAIM, DAMAGES\
 OR OTHER\x0aLIABIL\
ITY, WHETHER IN \
AN ACTION OF CON\
TRACT, TORT OR O\
THERWISE, ARISIN\
G FROM,\x0aOUT OF O\
R IN CONNECTION \
WITH THE SOFTWAR\
E OR THE USE OR \
OTHER DEALINGS I\
N THE\x0aSOFTWARE.\x0a\
\
\x00\x00\x16\xcf\
<\
h1>Reception's p\
ath</h1>\x0a<p>A ca\
ller rings. Wher\
e the desk's pho\
ne or softphone \
hands the number\
 over (a\x0a<code>t\
el:</code> link,\
 <code>synergy-d\
esk call NUMBER<\
/code>, or the o\
ffice's phone sy\
stem),\x0athe calle\
r pops up before\
 anyone types: l\
og-a-call opens \
with the custome\
r and contact ch\
osen\x0aand the cur\
sor in Subject; \
type the subject\
 and press <b>En\
ter</b> (and Ent\
er again when th\
e\x0aseason ticket \
is used). A numb\
er nobody has op\
ens the new-cust\
omer form with t\
he phone filled\x0a\
in. A call that \
comes while anot\
her window is op\
en waits in the \
status bar: clic\
k it, or press\x0a<\
b>F8</b>. The st\
atus bar shows t\
he incoming numb\
er with the call\
er's cover.</p>\x0a\
<p>Otherwise, fr\
om the keyboard \
alone:</p>\x0a<ol>\x0a\
<li><b>Find the \
caller.</b> Pres\
s <b>Ctrl+K</b> \
(or Ctrl+F) and \
type any part of\
 their name,\x0acom\
pany, contact, p\
hone number, e-m\
ail, postcode or\
 account code. C\
hoose the custom\
er with the\x0aarro\
w keys and Enter\
: the customer p\
anel shows them,\
 with the entitl\
ement banner (th\
eir\x0acontract, se\
ason-ticket bala\
nce and expiry, \
or the price of \
one incident).</\
li>\x0a<li><b>Log t\
he call.</b> Pre\
ss <b>Ctrl+L</b>\
 straight after \
choosing the cus\
tomer, and the\x0al\
og-call dialog o\
pens with them a\
s the caller (Ct\
rl+Shift+C logs \
a call for whoev\
er the panel\x0asho\
ws). For someone\
 new press <b>Ct\
rl+N</b> in the \
dialog and add t\
hem there. Write\
 the\x0asubject, ch\
oose the product\
, module and ver\
sion, and press \
<b>Ctrl+Enter</b\
>.</li>\x0a<li><b>F\
und the incident\
.</b> <b>Ctrl+Sh\
ift+Enter</b> lo\
gs the call and \
takes the paymen\
t at\x0aonce; <b>Ct\
rl+Shift+T</b> l\
ogs it and uses \
the caller's sea\
son ticket. An i\
ncident already\x0a\
logged is paid f\
or with <b>Take \
payment\xe2\x80\xa6</b> (\
Ctrl+Shift+Y) or\
 funded from the\
 customer's\x0acont\
ract or ticket w\
ith <b>Incident \
\xe2\x96\xb8 Apply contra\
ct / ticket</b> \
(Ctrl+Shift+T).<\
/li>\x0a<li><b>The \
receipt.</b> Aft\
er a payment the\
 receipt opens i\
n the preview: <\
b>Ctrl+P</b>\x0apri\
nts it, Ctrl+S s\
aves it as a PDF\
, Ctrl+E e-mails\
 it.</li>\x0a</ol>\x0a\
<h2>Paying by ba\
nk transfer</h2>\
\x0a<p>A caller who\
 pays by bank tr\
ansfer pays befo\
re support too. \
Choose <b>Bank t\
ransfer</b> in\x0at\
he payment dialo\
g (or <b>Inciden\
t \xe2\x96\xb8 Ask for a \
bank transfer\xe2\x80\xa6\
</b>, Ctrl+Shift\
+Z): the payment\
\x0arequest lists t\
he incidents, a \
season ticket if\
 they want one, \
the due date and\
 the office's\x0aba\
nk details; <b>I\
ssue request</b>\
 numbers it (PR-\
000001) and open\
s it to print or\
 e-mail\x0a(Ctrl+E)\
. Its reference,\
 such as <code>P\
R1-Z</code>, is \
what the custome\
r types in their\
\x0abanking app. Th\
e incidents say \
<i>Awaiting tran\
sfer</i> and nob\
ody can start th\
em.</p>\x0a<ul>\x0a<li\
>When the money \
arrives: <b>Offi\
ce \xe2\x96\xb8 Record a \
bank transfer\xe2\x80\xa6\
</b> (Ctrl+G) fi\
nds the request\x0a\
by its reference\
, the customer o\
r the amount; re\
cord the day it \
arrived and the \
amount. The\x0arece\
ipt is issued th\
en and the incid\
ents join the qu\
eue. Part of the\
 money keeps the\
 request\x0aopen fo\
r the rest.</li>\
\x0a<li>Or import t\
he bank's statem\
ent: <b>File \xe2\x96\xb8\
 Import bank sta\
tement\xe2\x80\xa6</b> (C\
trl+I) reads the\
 CSV\x0aor OFX file\
 the bank export\
s, matches each \
payment in to it\
s request, and r\
ecords the ones\x0a\
you leave ticked\
. A statement im\
ported twice rec\
ords nothing twi\
ce.</li>\x0a<li><b>\
Office \xe2\x96\xb8 Payme\
nt requests\xe2\x80\xa6</\
b> (Ctrl+J) show\
s the open and o\
verdue requests \
with the\x0acustome\
r's phone number\
, and sends a re\
minder by e-mail\
.</li>\x0a</ul>\x0a<h2\
>E-mail to sort<\
/h2>\x0a<p>The supp\
ort mailbox is r\
ead by the desks\
. A message that\
 names its incid\
ent\x0a(<code>[INC-\
000123]</code> i\
n the subject) o\
r answers one of\
 the office's e-\
mails goes on\x0ath\
at incident's ti\
meline by itself\
; everything els\
e waits in <b>Of\
fice \xe2\x96\xb8 E-mail \
to sort\xe2\x80\xa6</b>\x0a(\
<b>Ctrl+M</b>, o\
r click \x22E-mail:\
 3 to sort\x22 in t\
he status bar). \
Work it like the\
 phone:</p>\x0a<ul>\
\x0a<li>The list sh\
ows when each me\
ssage came, who \
from, the custom\
er the sender wa\
s matched to\x0a(by\
 a contact's add\
ress, else by th\
e address's doma\
in) and how many\
 files it carrie\
s. The\x0amessage c\
hosen is shown b\
elow as plain te\
xt, with the cus\
tomer's entitlem\
ent banner.</li>\
\x0a<li><b>New inci\
dent\xe2\x80\xa6</b> (Ctr\
l+N) opens the i\
ncident with the\
 customer, conta\
ct and subject\x0af\
illed in: choose\
 the product and\
 press Ctrl+Ente\
r. Like any new \
incident it wait\
s for\x0apayment un\
less a contract \
covers it. A mes\
sage about two p\
roblems: tick \x22a\
nother aspect\x22 a\
nd\x0ait stays in t\
he list for the \
second incident.\
</li>\x0a<li><b>Att\
ach to incident\xe2\
\x80\xa6</b> (Ctrl+J) \
puts it on an in\
cident already o\
pen (a resolved \
one\x0ais re-opened\
 at no charge). \
<b>Not support\xe2\x80\
\xa6</b> (Ctrl+D) s\
ets spam and sal\
es aside with a\x0a\
reason; <b>Back \
to sort</b> (Ctr\
l+B) brings it b\
ack. <b>Held</b>\
 lists the messa\
ges of a sender\x0a\
who wrote too of\
ten in an hour.<\
/li>\x0a<li>Files: \
<b>Open\xe2\x80\xa6</b> a\
sks first and op\
ens the file wit\
h the desktop's \
own program;\x0aa f\
ile that could b\
e a program (.ex\
e, .js, invoice.\
pdf.exe \xe2\x80\xa6) is \
never opened, on\
ly saved with\x0a<b\
>Save as\xe2\x80\xa6</b>.\
 Nothing in a me\
ssage is run or \
fetched from the\
 internet.</li>\x0a\
</ul>\x0a<h2>Throug\
h the day</h2>\x0a<\
ul>\x0a<li>The view\
s in the filter \
bar (<i>Awaiting\
 payment</i> amo\
ng them) choose \
which incidents\x0a\
the list shows; \
<b>Alt+1</b> \xe2\x80\xa6\
 <b>Alt+9</b> ch\
oose them from t\
he keyboard and \
<b>Ctrl+1</b>\x0ago\
es to the list. \
Reception's list\
 opens on <i>Awa\
iting payment</i\
>, then on the v\
iew you chose\x0ala\
st.</li>\x0a<li><b>\
Office \xe2\x96\xb8 Calle\
r log\xe2\x80\xa6</b> (Ct\
rl+D) lists who \
rang, when, who \
answered and for\
 how long,\x0awhere\
 the office's ph\
one system tells\
 the desk; a mis\
sed call from a \
customer is alre\
ady a\x0acall-back \
in the queue.</l\
i>\x0a<li><b>Call-b\
acks due\xe2\x80\xa6</b> \
(Ctrl+Shift+K) l\
ists the calls p\
romised; one fal\
ling due pops up\
 in\x0athe lower ri\
ght corner of th\
e window.</li>\x0a<\
li><b>Office \xe2\x96\xb8\
 Today's takings\
\xe2\x80\xa6</b> (Ctrl+Sh\
ift+D) is your c\
ash-up, and <b>C\
ount the cash\x0adr\
awer\xe2\x80\xa6</b> (Ctr\
l+Shift+H) recor\
ds the float and\
 the cash counte\
d.</li>\x0a<li>Leav\
ing the desk: <b\
>File \xe2\x96\xb8 Lock t\
he desk</b> (Ctr\
l+Shift+L), <b>S\
witch user\xe2\x80\xa6</b\
>\x0a(Ctrl+Shift+W)\
 or <b>Log out</\
b> (Ctrl+Shift+Q\
).</li>\x0a</ul>\x0a\
\x00\x00\x0a\xdb\
<\
h1>The manager's\
 day</h1>\x0a<ul>\x0a<\
li>The list open\
s on <i>All open\
</i> (Alt+9); th\
e views of the f\
ilter bar, <i>Al\
l</i>\x0a(Alt+8) am\
ong them, and th\
e Engineer and P\
roduct filters s\
how the whole of\
fice's work.</li\
>\x0a<li><b>Office \
\xe2\x96\xb8 Reports\xe2\x80\xa6</\
b> (Ctrl+Shift+E\
): the cash-up b\
y day and paymen\
t method, incide\
nts\x0aby status, r\
esolution and en\
gineer, season-t\
icket balances a\
nd expiries, and\
 the\x0aregisters.<\
/li>\x0a<li><b>Offi\
ce \xe2\x96\xb8 Refunds a\
waiting approval\
\xe2\x80\xa6</b> (Ctrl+Sh\
ift+V): approve \
an out-of-remit \
refund,\x0awhich op\
ens the credit n\
ote to print, or\
 decline it with\
 a reason.</li>\x0a\
<li>Money on the\
 customer panel:\
 <b>Refund\xe2\x80\xa6</b\
> a payment, <b>\
Adjust ticket\xe2\x80\xa6\
</b> and record \
a\x0asupport <b>Con\
tract\xe2\x80\xa6</b>; <b\
>Waive charge\xe2\x80\xa6\
</b> on an incid\
ent.</li>\x0a<li>Ba\
nk transfers: se\
t the office's b\
ank account in <\
b>Office setting\
s \xe2\x96\xb8 Bank</b> b\
efore\x0aanyone iss\
ues a payment re\
quest. In <b>Off\
ice \xe2\x96\xb8 Payment \
requests\xe2\x80\xa6</b> \
(Ctrl+J) a manag\
er\x0acancels a req\
uest, with a rea\
son, when the cu\
stomer pays anot\
her way; the <i>\
Payment\x0arequests\
</i> report list\
s them open, pai\
d, part paid, ov\
erdue and cancel\
led.</li>\x0a<li><b\
>Office \xe2\x96\xb8 User\
s\xe2\x80\xa6</b> adds pe\
ople, sets their\
 roles, resets p\
asswords and unl\
ocks them;\x0a<b>Of\
fice settings\xe2\x80\xa6\
</b> holds the c\
ompany details, \
prices, VAT, sea\
son tickets, the\
 time zone,\x0ae-ma\
il, how soon an \
idle desk locks,\
 and the <b>Phon\
e system</b>: a \
listener that ta\
kes the\x0aoffice p\
hone system's ca\
ll events (newCa\
ll, answer, hang\
up) with the off\
ice's token; <b>\
Products and mod\
ules\xe2\x80\xa6</b> the \
products support\
ed.</li>\x0a<li><b>\
Office \xe2\x96\xb8 Audit\
 log\xe2\x80\xa6</b>: who\
 changed what an\
d when, and the \
tamper check of \
the money\x0arows.<\
/li>\x0a<li><b>File\
 \xe2\x96\xb8 Back up now\
\xe2\x80\xa6</b> makes a \
consistent copy \
of the office's \
database while t\
he\x0adesks work; <\
b>Database for t\
his desk\xe2\x80\xa6</b> \
points this desk\
 at a SQLite fil\
e or the office'\
s\x0aPostgreSQL ser\
ver.</li>\x0a</ul>\x0a\
<h2>The support \
mailbox</h2>\x0a<p>\
<b>Office \xe2\x96\xb8 Of\
fice settings \xe2\x96\
\xb8 Mailbox</b> se\
ts the mailbox t\
he desks read: t\
he IMAP server,\x0a\
port, security (\
SSL/TLS on 993, \
STARTTLS on 143)\
, user, password\
 (left blank, th\
e saved one\x0ais k\
ept) and folder.\
 <b>Test connect\
ion</b> tries th\
e values on the \
page before you \
save them\x0aand sa\
ys what it found\
 or, in plain wo\
rds, what stoppe\
d it. One desk a\
t a time reads t\
he\x0amailbox; when\
 it closes anoth\
er takes over. T\
he same page set\
s how much of a \
message's\x0aattach\
ments is kept (t\
he rest is liste\
d, not kept), ho\
w many messages \
an hour one send\
er may\x0asend befo\
re the rest are \
held, whether ne\
w mail waiting t\
o be sorted is a\
cknowledged to i\
ts\x0asender (never\
 an automatic re\
ply), and the si\
gnature of every\
 reply. <b>Offic\
e \xe2\x96\xb8 Outbox\xe2\x80\xa6<\
/b>\x0a(Ctrl+U) lis\
ts mail waiting \
to go and mail t\
he server refuse\
d; a manager may\
 cancel a\x0amessag\
e there (it stay\
s on its inciden\
t, marked cancel\
led).</p>\x0a\
\x00\x00\x0a,\
<\
h1>The engineer'\
s workbench</h1>\
\x0a<p><i>My incide\
nts</i> (Alt+1) \
lists the open i\
ncidents you hol\
d and <i>Unassig\
ned</i>\x0a(Alt+2) \
those nobody hol\
ds yet. Choose a\
n incident with \
the arrow keys: \
the customer\x0apan\
el shows its cus\
tomer and the in\
cident detail be\
low shows its fa\
cts, its timelin\
e and the\x0aaction\
s that make sens\
e for it as it s\
tands. Every one\
 of those action\
s is also in the\
\x0a<b>Incident</b>\
 menu and in the\
 list's context \
menu (right-clic\
k a row, or Shif\
t+F10), with\x0aits\
 shortcut.</p>\x0a<\
ul>\x0a<li><b>Assig\
n to me</b>, the\
n <b>Start work<\
/b> (Ctrl+Shift+\
S). Work starts \
only on a funded\
\x0aincident; when \
it is not, the w\
indow offers the\
 customer's cont\
ract or season t\
icket, or a\x0apaym\
ent.</li>\x0a<li><b\
>Log call</b> (C\
trl+T) writes a \
call, a note, an\
 e-mail or a rem\
ote session on t\
he\x0atimeline, wit\
h the time it to\
ok. <i>For the c\
ustomer</i> says\
 whether the cus\
tomer sees it in\
\x0atheir summary; \
Ctrl+Shift+F in \
the timeline cha\
nges that for an\
 entry already w\
ritten.</li>\x0a<li\
><b>Wait on cust\
omer</b> parks t\
he incident; <b>\
Call back\xe2\x80\xa6</b>\
 (Ctrl+Shift+B) \
promises a\x0acall \
at a time.</li>\x0a\
<li><b>Split\xe2\x80\xa6<\
/b> (Ctrl+Shift+\
P) takes a secon\
d problem off in\
to an incident o\
f its own;\x0a<b>Me\
rge\xe2\x80\xa6</b> (Ctrl\
+Shift+M) folds \
a duplicate into\
 the incident it\
 repeats.</li>\x0a<\
li><b>Resolve\xe2\x80\xa6\
</b> (Ctrl+Shift\
+R) records how \
it ended; <b>Re-\
open\xe2\x80\xa6</b> (Ctr\
l+Shift+O)\x0abring\
s it back; <b>Ou\
t of remit\xe2\x80\xa6</b\
> (Ctrl+Shift+X)\
 closes one the \
office does not \
support.</li>\x0a<l\
i><b>Summary PDF\
\xe2\x80\xa6</b> (Ctrl+P)\
 prints the inci\
dent for the cus\
tomer, or the in\
ternal version\x0aw\
ith every entry.\
</li>\x0a<li><b>Reg\
isters\xe2\x80\xa6</b> (C\
trl+Shift+G) lis\
ts the enhanceme\
nt requests and \
escalations rais\
ed\x0afrom resoluti\
ons.</li>\x0a</ul>\x0a\
<h2>E-mail on th\
e incident</h2>\x0a\
<p>E-mails the c\
ustomer sends ab\
out an incident \
are on its timel\
ine as <b>E-mail\
 in</b>, with\x0ath\
e sender, the su\
bject, the text \
and the files (e\
ach with <b>Open\
\xe2\x80\xa6</b>, which a\
sks first, and\x0a<\
b>Save as\xe2\x80\xa6</b>\
). <b>Incident \xe2\
\x96\xb8 Reply by e-ma\
il\xe2\x80\xa6</b> (<b>Ct\
rl+R</b>) opens \
the reply: to th\
e\x0alast sender, t\
he incident's re\
ference in the s\
ubject, their me\
ssage quoted and\
 the office's\x0asi\
gnature below. A\
ttach files with\
in the office's \
limit and press \
<b>Ctrl+Enter</b\
>: the reply\x0ais \
on the timeline \
as <b>E-mail out\
</b> at once, \x22q\
ueued\x22, then \x22se\
nt 14:02\x22 once t\
he mail\x0aserver h\
as taken it. A r\
eply the server \
refuses says why\
 and when it is \
tried again; aft\
er the\x0alast try \
it waits in <b>O\
ffice \xe2\x96\xb8 Outbox\
\xe2\x80\xa6</b> (<b>Ctrl\
+U</b>), where <\
b>Send again</b>\
 tries at\x0aonce. \
While an inciden\
t is not paid fo\
r, only a messag\
e about paying m\
ay go: tick \x22abo\
ut\x0apaying\x22 when \
it is.</p>\x0a\
\x00\x00\x02\xf2\
<\
h1>Synergy Desk<\
/h1>\x0a<p>Synergy \
Desk runs a soft\
ware-support off\
ice that sells s\
upport per incid\
ent, paid before\
\x0asupport is give\
n, or from a pre\
paid season tick\
et.</p>\x0a<p>Choos\
e a page on the \
left:</p>\x0a<ul>\x0a<\
li><a href=\x22rece\
ption.html\x22>Rece\
ption's path</a>\
: a caller rings\
, find or add th\
em, log the\x0acall\
, take the payme\
nt, print the re\
ceipt.</li>\x0a<li>\
<a href=\x22enginee\
r.html\x22>The engi\
neer's workbench\
</a>: working an\
 incident throug\
h to its\x0aresolut\
ion.</li>\x0a<li><a\
 href=\x22manager.h\
tml\x22>The manager\
's day</a>: repo\
rts, refunds, us\
ers and settings\
.</li>\x0a<li><a hr\
ef=\x22shortcuts\x22>K\
eyboard shortcut\
s</a>: every sho\
rtcut of the mai\
n window, read f\
rom\x0athe window i\
tself.</li>\x0a</ul\
>\x0a<p><b>F1</b> o\
pens this guide;\
 <b>Ctrl+/</b> o\
pens the keyboar\
d shortcuts.</p>\
\x0a\
\x00\x00\x00!\
<\
\xb8d\x18\xca\xef\x9c\x95\xcd!\x1c\xbf`\xa1\xbd\xdd\xa7\
\x00\x00\x00\x05en_GB\x88\x00\x00\x00\x02\x01\x01\
\
\x00\x00\x02k\
<\
svg\x0a  xmlns=\x22htt\
p://www.w3.org/2\
000/svg\x22\x0a  width\
=\x2224\x22\x0a  height=\x22\
24\x22\x0a  viewBox=\x220\
 0 24 24\x22\x0a  fill\
=\x22none\x22\x0a  stroke\
=\x22currentColor\x22\x0a\
  stroke-width=\x22\
2\x22\x0a  stroke-line\
cap=\x22round\x22\x0a  st\
roke-linejoin=\x22r\
ound\x22\x0a  class=\x22i\
con icon-tabler \
icons-tabler-out\
line icon-tabler\
-keyboard\x22\x0a>\x0a  <\
path stroke=\x22non\
e\x22 d=\x22M0 0h24v24\
H0z\x22 fill=\x22none\x22\
 />\x0a  <path d=\x22M\
2 8a2 2 0 0 1 2 \
-2h16a2 2 0 0 1 \
2 2v8a2 2 0 0 1 \
-2 2h-16a2 2 0 0\
 1 -2 -2l0 -8\x22 /\
>\x0a  <path d=\x22M6 \
10l0 .01\x22 />\x0a  <\
path d=\x22M10 10l0\
 .01\x22 />\x0a  <path\
 d=\x22M14 10l0 .01\
\x22 />\x0a  <path d=\x22\
M18 10l0 .01\x22 />\
\x0a  <path d=\x22M6 1\
4l0 .01\x22 />\x0a  <p\
ath d=\x22M18 14l0 \
.01\x22 />\x0a  <path \
d=\x22M10 14l4 .01\x22\
 />\x0a</svg>\
\x00\x00\x01\xb7\
<\
svg\x0a  xmlns=\x22htt\
p://www.w3.org/2\
000/svg\x22\x0a  width\
=\x2224\x22\x0a  height=\x22\
24\x22\x0a  viewBox=\x220\
 0 24 24\x22\x0a  fill\
=\x22none\x22\x0a  stroke\
=\x22currentColor\x22\x0a\
  stroke-width=\x22\
2\x22\x0a  stroke-line\
cap=\x22round\x22\x0a  st\
roke-linejoin=\x22r\
ound\x22\x0a  class=\x22i\
con icon-tabler \
icons-tabler-out\
line icon-tabler\
-refresh\x22\x0a>\x0a  <p\
ath stroke=\x22none\
\x22 d=\x22M0 0h24v24H\
0z\x22 fill=\x22none\x22 \
/>\x0a  <path d=\x22M2\
0 11a8.1 8.1 0 0\
 0 -15.5 -2m-.5 \
-4v4h4\x22 />\x0a  <pa\
th d=\x22M4 13a8.1 \
8.1 0 0 0 15.5 2\
m.5 4v-4h-4\x22 />\x0a\
</svg>\
\x00\x00\x01\xd8\
<\
svg\x0a  xmlns=\x22htt\
p://www.w3.org/2\
000/svg\x22\x0a  width\
=\x2224\x22\x0a  height=\x22\
24\x22\x0a  viewBox=\x220\
 0 24 24\x22\x0a  fill\
=\x22none\x22\x0a  stroke\
=\x22currentColor\x22\x0a\
  stroke-width=\x22\
2\x22\x0a  stroke-line\
cap=\x22round\x22\x0a  st\
roke-linejoin=\x22r\
ound\x22\x0a  class=\x22i\
con icon-tabler \
icons-tabler-out\
line icon-tabler\
-help\x22\x0a>\x0a  <path\
 stroke=\x22none\x22 d\
=\x22M0 0h24v24H0z\x22\
 fill=\x22none\x22 />\x0a\
  <path d=\x22M3 12\
a9 9 0 1 0 18 0a\
9 9 0 1 0 -18 0\x22\
 />\x0a  <path d=\x22M\
12 17l0 .01\x22 />\x0a\
  <path d=\x22M12 1\
3.5a1.5 1.5 0 0 \
1 1 -1.5a2.6 2.6\
 0 1 0 -3 -4\x22 />\
\x0a</svg>\
\x00\x00\x01\xe0\
<\
svg\x0a  xmlns=\x22htt\
p://www.w3.org/2\
000/svg\x22\x0a  width\
=\x2224\x22\x0a  height=\x22\
24\x22\x0a  viewBox=\x220\
 0 24 24\x22\x0a  fill\
=\x22none\x22\x0a  stroke\
=\x22currentColor\x22\x0a\
  stroke-width=\x22\
2\x22\x0a  stroke-line\
cap=\x22round\x22\x0a  st\
roke-linejoin=\x22r\
ound\x22\x0a  class=\x22i\
con icon-tabler \
icons-tabler-out\
line icon-tabler\
-phone-plus\x22\x0a>\x0a \
 <path stroke=\x22n\
one\x22 d=\x22M0 0h24v\
24H0z\x22 fill=\x22non\
e\x22 />\x0a  <path d=\
\x22M5 4h4l2 5l-2.5\
 1.5a11 11 0 0 0\
 5 5l1.5 -2.5l5 \
2v4a2 2 0 0 1 -2\
 2a16 16 0 0 1 -\
15 -15a2 2 0 0 1\
 2 -2\x22 />\x0a  <pat\
h d=\x22M15 6h6m-3 \
-3v6\x22 />\x0a</svg>\
\x00\x00\x02p\
<\
svg\x0a  xmlns=\x22htt\
p://www.w3.org/2\
000/svg\x22\x0a  width\
=\x2224\x22\x0a  height=\x22\
24\x22\x0a  viewBox=\x220\
 0 24 24\x22\x0a  fill\
=\x22none\x22\x0a  stroke\
=\x22currentColor\x22\x0a\
  stroke-width=\x22\
2\x22\x0a  stroke-line\
cap=\x22round\x22\x0a  st\
roke-linejoin=\x22r\
ound\x22\x0a  class=\x22i\
con icon-tabler \
icons-tabler-out\
line icon-tabler\
-clipboard-list\x22\
\x0a>\x0a  <path strok\
e=\x22none\x22 d=\x22M0 0\
h24v24H0z\x22 fill=\
\x22none\x22 />\x0a  <pat\
h d=\x22M9 5h-2a2 2\
 0 0 0 -2 2v12a2\
 2 0 0 0 2 2h10a\
2 2 0 0 0 2 -2v-\
12a2 2 0 0 0 -2 \
-2h-2\x22 />\x0a  <pat\
h d=\x22M9 5a2 2 0 \
0 1 2 -2h2a2 2 0\
 0 1 2 2a2 2 0 0\
 1 -2 2h-2a2 2 0\
 0 1 -2 -2\x22 />\x0a \
 <path d=\x22M9 12l\
.01 0\x22 />\x0a  <pat\
h d=\x22M13 12l2 0\x22\
 />\x0a  <path d=\x22M\
9 16l.01 0\x22 />\x0a \
 <path d=\x22M13 16\
l2 0\x22 />\x0a</svg>\
\x00\x00\x02i\
<\
svg\x0a  xmlns=\x22htt\
p://www.w3.org/2\
000/svg\x22\x0a  width\
=\x2224\x22\x0a  height=\x22\
24\x22\x0a  viewBox=\x220\
 0 24 24\x22\x0a  fill\
=\x22none\x22\x0a  stroke\
=\x22currentColor\x22\x0a\
  stroke-width=\x22\
2\x22\x0a  stroke-line\
cap=\x22round\x22\x0a  st\
roke-linejoin=\x22r\
ound\x22\x0a  class=\x22i\
con icon-tabler \
icons-tabler-out\
line icon-tabler\
-report-money\x22\x0a>\
\x0a  <path stroke=\
\x22none\x22 d=\x22M0 0h2\
4v24H0z\x22 fill=\x22n\
one\x22 />\x0a  <path \
d=\x22M9 5h-2a2 2 0\
 0 0 -2 2v12a2 2\
 0 0 0 2 2h10a2 \
2 0 0 0 2 -2v-12\
a2 2 0 0 0 -2 -2\
h-2\x22 />\x0a  <path \
d=\x22M9 5a2 2 0 0 \
1 2 -2h2a2 2 0 0\
 1 2 2a2 2 0 0 1\
 -2 2h-2a2 2 0 0\
 1 -2 -2\x22 />\x0a  <\
path d=\x22M14 11h-\
2.5a1.5 1.5 0 0 \
0 0 3h1a1.5 1.5 \
0 0 1 0 3h-2.5\x22 \
/>\x0a  <path d=\x22M1\
2 17v1m0 -8v1\x22 /\
>\x0a</svg>\
\x00\x00\x02&\
<\
svg\x0a  xmlns=\x22htt\
p://www.w3.org/2\
000/svg\x22\x0a  width\
=\x2224\x22\x0a  height=\x22\
24\x22\x0a  viewBox=\x220\
 0 24 24\x22\x0a  fill\
=\x22none\x22\x0a  stroke\
=\x22currentColor\x22\x0a\
  stroke-width=\x22\
2\x22\x0a  stroke-line\
cap=\x22round\x22\x0a  st\
roke-linejoin=\x22r\
ound\x22\x0a  class=\x22i\
con icon-tabler \
icons-tabler-out\
line icon-tabler\
-cash\x22\x0a>\x0a  <path\
 stroke=\x22none\x22 d\
=\x22M0 0h24v24H0z\x22\
 fill=\x22none\x22 />\x0a\
  <path d=\x22M7 15\
h-3a1 1 0 0 1 -1\
 -1v-8a1 1 0 0 1\
 1 -1h12a1 1 0 0\
 1 1 1v3\x22 />\x0a  <\
path d=\x22M7 10a1 \
1 0 0 1 1 -1h12a\
1 1 0 0 1 1 1v8a\
1 1 0 0 1 -1 1h-\
12a1 1 0 0 1 -1 \
-1l0 -8\x22 />\x0a  <p\
ath d=\x22M12 14a2 \
2 0 1 0 4 0a2 2 \
0 0 0 -4 0\x22 />\x0a<\
/svg>\
\x00\x00\x04\xa8\
<\
svg\x0a  xmlns=\x22htt\
p://www.w3.org/2\
000/svg\x22\x0a  width\
=\x2224\x22\x0a  height=\x22\
24\x22\x0a  viewBox=\x220\
 0 24 24\x22\x0a  fill\
=\x22none\x22\x0a  stroke\
=\x22currentColor\x22\x0a\
  stroke-width=\x22\
2\x22\x0a  stroke-line\
cap=\x22round\x22\x0a  st\
roke-linejoin=\x22r\
ound\x22\x0a  class=\x22i\
con icon-tabler \
icons-tabler-out\
line icon-tabler\
-cash-register\x22\x0a\
>\x0a  <path stroke\
=\x22none\x22 d=\x22M0 0h\
24v24H0z\x22 fill=\x22\
none\x22 />\x0a  <path\
 d=\x22M21 15h-2.5c\
-.398 0 -.779 .1\
58 -1.061 .439c-\
.281 .281 -.439 \
.663 -.439 1.061\
c0 .398 .158 .77\
9 .439 1.061c.28\
1 .281 .663 .439\
 1.061 .439h1c.3\
98 0 .779 .158 1\
.061 .439c.281 .\
281 .439 .663 .4\
39 1.061c0 .398 \
-.158 .779 -.439\
 1.061c-.281 .28\
1 -.663 .439 -1.\
061 .439h-2.5\x22 /\
>\x0a  <path d=\x22M19\
 21v1m0 -8v1\x22 />\
\x0a  <path d=\x22M13 \
21h-7c-.53 0 -1.\
039 -.211 -1.414\
 -.586c-.375 -.3\
75 -.586 -.884 -\
.586 -1.414v-10c\
0 -.53 .211 -1.0\
39 .586 -1.414c.\
375 -.375 .884 -\
.586 1.414 -.586\
h2m12 3.12v-1.12\
c0 -.53 -.211 -1\
.039 -.586 -1.41\
4c-.375 -.375 -.\
884 -.586 -1.414\
 -.586h-2\x22 />\x0a  \
<path d=\x22M16 10v\
-6c0 -.53 -.211 \
-1.039 -.586 -1.\
414c-.375 -.375 \
-.884 -.586 -1.4\
14 -.586h-4c-.53\
 0 -1.039 .211 -\
1.414 .586c-.375\
 .375 -.586 .884\
 -.586 1.414v6m8\
 0h-8m8 0h1m-9 0\
h-1\x22 />\x0a  <path \
d=\x22M8 14v.01\x22 />\
\x0a  <path d=\x22M8 1\
7v.01\x22 />\x0a  <pat\
h d=\x22M12 13.99v.\
01\x22 />\x0a  <path d\
=\x22M12 17v.01\x22 />\
\x0a</svg>\
\x00\x00\x01\x99\
<\
svg\x0a  xmlns=\x22htt\
p://www.w3.org/2\
000/svg\x22\x0a  width\
=\x2224\x22\x0a  height=\x22\
24\x22\x0a  viewBox=\x220\
 0 24 24\x22\x0a  fill\
=\x22none\x22\x0a  stroke\
=\x22currentColor\x22\x0a\
  stroke-width=\x22\
2\x22\x0a  stroke-line\
cap=\x22round\x22\x0a  st\
roke-linejoin=\x22r\
ound\x22\x0a  class=\x22i\
con icon-tabler \
icons-tabler-out\
line icon-tabler\
-search\x22\x0a>\x0a  <pa\
th stroke=\x22none\x22\
 d=\x22M0 0h24v24H0\
z\x22 fill=\x22none\x22 /\
>\x0a  <path d=\x22M3 \
10a7 7 0 1 0 14 \
0a7 7 0 1 0 -14 \
0\x22 />\x0a  <path d=\
\x22M21 21l-6 -6\x22 /\
>\x0a</svg>\
\x00\x00\x01\xb7\
<\
svg\x0a  xmlns=\x22htt\
p://www.w3.org/2\
000/svg\x22\x0a  width\
=\x2224\x22\x0a  height=\x22\
24\x22\x0a  viewBox=\x220\
 0 24 24\x22\x0a  fill\
=\x22none\x22\x0a  stroke\
=\x22currentColor\x22\x0a\
  stroke-width=\x22\
2\x22\x0a  stroke-line\
cap=\x22round\x22\x0a  st\
roke-linejoin=\x22r\
ound\x22\x0a  class=\x22i\
con icon-tabler \
icons-tabler-out\
line icon-tabler\
-info-circle\x22\x0a>\x0a\
  <path stroke=\x22\
none\x22 d=\x22M0 0h24\
v24H0z\x22 fill=\x22no\
ne\x22 />\x0a  <path d\
=\x22M3 12a9 9 0 1 \
0 18 0a9 9 0 0 0\
 -18 0\x22 />\x0a  <pa\
th d=\x22M12 9h.01\x22\
 />\x0a  <path d=\x22M\
11 12h1v4h1\x22 />\x0a\
</svg>\
\x00\x00\x02\x16\
<\
svg\x0a  xmlns=\x22htt\
p://www.w3.org/2\
000/svg\x22\x0a  width\
=\x2224\x22\x0a  height=\x22\
24\x22\x0a  viewBox=\x220\
 0 24 24\x22\x0a  fill\
=\x22none\x22\x0a  stroke\
=\x22currentColor\x22\x0a\
  stroke-width=\x22\
2\x22\x0a  stroke-line\
cap=\x22round\x22\x0a  st\
roke-linejoin=\x22r\
ound\x22\x0a  class=\x22i\
con icon-tabler \
icons-tabler-out\
line icon-tabler\
-phone-outgoing\x22\
\x0a>\x0a  <path strok\
e=\x22none\x22 d=\x22M0 0\
h24v24H0z\x22 fill=\
\x22none\x22 />\x0a  <pat\
h d=\x22M5 4h4l2 5l\
-2.5 1.5a11 11 0\
 0 0 5 5l1.5 -2.\
5l5 2v4a2 2 0 0 \
1 -2 2c-8.072 -.\
49 -14.51 -6.928\
 -15 -15a2 2 0 0\
 1 2 -2\x22 />\x0a  <p\
ath d=\x22M15 5h6\x22 \
/>\x0a  <path d=\x22M1\
8.5 7.5l2.5 -2.5\
l-2.5 -2.5\x22 />\x0a<\
/svg>\
"

qt_resource_name = b"\
\x00\x05\
\x00o\xa6S\
\x00i\
\x00c\x00o\x00n\x00s\
\x00\x0c\
\x0d\xfc\x11\x13\
\x00t\
\x00r\x00a\x00n\x00s\x00l\x00a\x00t\x00i\x00o\x00n\x00s\
\x00\x10\
\x05\xa1\x9c\xa7\
\x00s\
\x00y\x00n\x00e\x00r\x00g\x00y\x00-\x00d\x00e\x00s\x00k\x00.\x00s\x00v\x00g\
\x00\x04\
\x00\x06\xec0\
\x00h\
\x00e\x00l\x00p\
\x00\x08\
\x0f\x9cG\x83\
\x00l\
\x00i\x00c\x00e\x00n\x00c\x00e\x00s\
\x00\x12\
\x01\x89\xef4\
\x00D\
\x00e\x00j\x00a\x00V\x00u\x00-\x00L\x00I\x00C\x00E\x00N\x00S\x00E\x00.\x00t\x00x\
\x00t\
\x00\x18\
\x06\xf6\xfb\x94\
\x00T\
\x00a\x00b\x00l\x00e\x00r\x00-\x00I\x00c\x00o\x00n\x00s\x00-\x00L\x00I\x00C\x00E\
\x00N\x00S\x00E\x00.\x00t\x00x\x00t\
\x00\x0e\
\x05,\x17\x1c\
\x00r\
\x00e\x00c\x00e\x00p\x00t\x00i\x00o\x00n\x00.\x00h\x00t\x00m\x00l\
\x00\x0c\
\x02$t\x9c\
\x00m\
\x00a\x00n\x00a\x00g\x00e\x00r\x00.\x00h\x00t\x00m\x00l\
\x00\x0d\
\x04\xc8\xf3\xfc\
\x00e\
\x00n\x00g\x00i\x00n\x00e\x00e\x00r\x00.\x00h\x00t\x00m\x00l\
\x00\x0a\
\x0c\xba\xf2|\
\x00i\
\x00n\x00d\x00e\x00x\x00.\x00h\x00t\x00m\x00l\
\x00\x15\
\x06\x8f\x1b=\
\x00s\
\x00y\x00n\x00e\x00r\x00g\x00y\x00_\x00d\x00e\x00s\x00k\x00_\x00e\x00n\x00_\x00G\
\x00B\x00.\x00q\x00m\
\x00\x0c\
\x06\xbe\xa8g\
\x00k\
\x00e\x00y\x00b\x00o\x00a\x00r\x00d\x00.\x00s\x00v\x00g\
\x00\x0b\
\x0cj!\xc7\
\x00r\
\x00e\x00f\x00r\x00e\x00s\x00h\x00.\x00s\x00v\x00g\
\x00\x08\
\x0c3W\x07\
\x00h\
\x00e\x00l\x00p\x00.\x00s\x00v\x00g\
\x00\x0e\
\x0d\x0fO\x87\
\x00p\
\x00h\x00o\x00n\x00e\x00-\x00p\x00l\x00u\x00s\x00.\x00s\x00v\x00g\
\x00\x12\
\x01:X\xc7\
\x00c\
\x00l\x00i\x00p\x00b\x00o\x00a\x00r\x00d\x00-\x00l\x00i\x00s\x00t\x00.\x00s\x00v\
\x00g\
\x00\x10\
\x09\xfc\xe3G\
\x00r\
\x00e\x00p\x00o\x00r\x00t\x00-\x00m\x00o\x00n\x00e\x00y\x00.\x00s\x00v\x00g\
\x00\x08\
\x08\x9bW\xe7\
\x00c\
\x00a\x00s\x00h\x00.\x00s\x00v\x00g\
\x00\x11\
\x02t\xbdG\
\x00c\
\x00a\x00s\x00h\x00-\x00r\x00e\x00g\x00i\x00s\x00t\x00e\x00r\x00.\x00s\x00v\x00g\
\
\x00\x0a\
\x08\x94m\xc7\
\x00s\
\x00e\x00a\x00r\x00c\x00h\x00.\x00s\x00v\x00g\
\x00\x0f\
\x04cZ\xe7\
\x00i\
\x00n\x00f\x00o\x00-\x00c\x00i\x00r\x00c\x00l\x00e\x00.\x00s\x00v\x00g\
\x00\x12\
\x05.\x94G\
\x00p\
\x00h\x00o\x00n\x00e\x00-\x00o\x00u\x00t\x00g\x00o\x00i\x00n\x00g\x00.\x00s\x00v\
\x00g\
"

qt_resource_struct = b"\
\x00\x00\x00\x00\x00\x02\x00\x00\x00\x05\x00\x00\x00\x01\
\x00\x00\x00T\x00\x02\x00\x00\x00\x04\x00\x00\x00\x14\
\x00\x00\x00\x00\x00\x02\x00\x00\x00\x0b\x00\x00\x00\x09\
\x00\x00\x00.\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\
\x00\x00\x00\x10\x00\x02\x00\x00\x00\x01\x00\x00\x00\x08\
\x00\x00\x00b\x00\x02\x00\x00\x00\x02\x00\x00\x00\x06\
\x00\x00\x00x\x00\x00\x00\x00\x00\x01\x00\x00\x02*\
\x00\x00\x00\xa2\x00\x00\x00\x00\x00\x01\x00\x00\x0c\x15\
\x00\x00\x01R\x00\x00\x00\x00\x00\x01\x00\x00?\x22\
\x00\x00\x01\xf4\x00\x00\x00\x00\x00\x01\x00\x00G1\
\x00\x00\x02Z\x00\x00\x00\x00\x00\x01\x00\x00N<\
\x00\x00\x02\x9c\x00\x00\x00\x00\x00\x01\x00\x00T\x85\
\x00\x00\x02\xc0\x00\x00\x00\x00\x00\x01\x00\x00V@\
\x00\x00\x01\x82\x00\x00\x00\x00\x00\x01\x00\x00?G\
\x00\x00\x02\x82\x00\x00\x00\x00\x00\x01\x00\x00R\xe8\
\x00\x00\x02D\x00\x00\x00\x00\x00\x01\x00\x00L\x12\
\x00\x00\x02\x1e\x00\x00\x00\x00\x00\x01\x00\x00I\xa5\
\x00\x00\x01\xbc\x00\x00\x00\x00\x00\x01\x00\x00Cq\
\x00\x00\x01\xa0\x00\x00\x00\x00\x00\x01\x00\x00A\xb6\
\x00\x00\x01\xd2\x00\x00\x00\x00\x00\x01\x00\x00EM\
\x00\x00\x00\xfa\x00\x00\x00\x00\x00\x01\x00\x00'\x1d\
\x00\x00\x01\x18\x00\x00\x00\x00\x00\x01\x00\x001\xfc\
\x00\x00\x00\xd8\x00\x00\x00\x00\x00\x01\x00\x00\x10J\
\x00\x00\x018\x00\x00\x00\x00\x00\x01\x00\x00<,\
"

def qInitResources():
    QtCore.qRegisterResourceData(0x01, qt_resource_struct, qt_resource_name, qt_resource_data)

def qCleanupResources():
    QtCore.qUnregisterResourceData(0x01, qt_resource_struct, qt_resource_name, qt_resource_data)

qInitResources()
