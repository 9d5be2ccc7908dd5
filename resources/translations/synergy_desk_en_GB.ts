<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Synergy Desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fonts licence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Icons licence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Document fonts: DejaVu Sans 2.37. Copyright © 2003 Bitstream, Inc. (Bitstream Vera); DejaVu changes are in the public domain. Under the Bitstream Vera licence: see the Fonts licence tab.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Icons: Tabler Icons 3.52.0. Copyright © 2020-2026 Paweł Kuna. Under the MIT licence: see the Icons licence tab.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AuditLogWindow</name>
    <message>
        <source>Audit log</source>
        <extracomment>The &quot;no date&quot; value of the date boxes (shown as their special text). The log&apos;s columns, newest entry first (the log is read in that order, never sorted).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (deactivated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record: INC-000012, R-000003, CN-000001, a user name…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run tamper &amp;check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recompute the hash chains of every payment, credit note and season-ticket ledger row, and check that receipt, credit-note and incident numbers have no gaps.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tamper check could not run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No entries match these filters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%d entries, newest first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The newest %d entries; scroll down for older ones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an entry to see its values before and after.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the program</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s — %s by %s, %s (%s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking every money row and number… you can carry on reading the log.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No problems: every money row matches its hash and every number runs without a gap.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tamper check passed (%s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tamper check found 1 problem (%s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tamper check found %d problems (%s).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AutoBackup</name>
    <message>
        <source>Backed up to %s</source>
        <extracomment>The first look a minute after start-up (the desk is busy opening before that), then hourly. How long the status bar shows the outcome.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The automatic backup failed: %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallbackDialog</name>
    <message>
        <source>Call back %s</source>
        <extracomment>The user it is promised to; None: any engineer. Schedules the call-back the form describes; the call-back as the queue shows it.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>office time (%s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In an &amp;hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tomorrow 9:00</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whoever answers (%s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What was promised, e.g. ring back once the log file has been read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;When:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Ring:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Promised to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Note:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Schedule call-back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any engineer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whose desk is reminded when the call-back falls due</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallbackNotice</name>
    <message>
        <source>Promised for %s</source>
        <extracomment>How often the desk looks for call-backs that have fallen due, in milliseconds. Room kept between a notification and the window&apos;s edge, and between notifications. At most this many notifications at once; more fallen due together are one &quot;and N more&quot;.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ring %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the call-backs due to see them all.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the call-back: its incident or customer, and the call-backs due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put this reminder away (the call-back stays due)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallbacksView</name>
    <message>
        <source>Call-backs due</source>
        <extracomment>How far ahead &quot;due soon&quot; looks when the queue is asked to show it.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also show those due in the next %d hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Done…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record that the call was made, and what came of it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 due, %2 of them overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call-back to %s done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What came of the call? It goes on the incident&apos;s timeline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Outcome:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Done</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallerChoiceDialog</name>
    <message>
        <source>Who is calling?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 callers have the number %2. Who is it?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Someone new (add a customer)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallerLogView</name>
    <message>
        <source>Caller log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Today only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Missed calls only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the caller in the window (or double-click the call)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 calls, %2 of them missed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CancelRequestDialog</name>
    <message>
        <source>Cancel payment request %s</source>
        <extracomment>At most this many requests are listed at once (newest first).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request is cancelled and its incidents are awaiting payment again, to be paid another way or asked for anew. Money already received for it stays on the record.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Why is it cancelled?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel the re&amp;quest</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CashCountDialog</name>
    <message>
        <source>Count the cash drawer — %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>your own takings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the whole office&apos;s takings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count the cash in the drawer, the float included, for %(whose)s on %(day)s. Cash takings %(taken)s, cash refunds %(back)s: %(net)s should be in the drawer besides the float.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why the drawer holds more or less than expected (needed over %s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Float:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cash c&amp;ounted (float included):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save count</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expected in the drawer: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expected %s: the drawer is right.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>short</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expected %(expected)s: %(diff)s %(word)s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the reason.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CatalogueEntryDialog</name>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Current &amp;version:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChangePasswordDialog</name>
    <message>
        <source>Choose a new password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change my password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A manager has reset the password of %s. Choose a new password of your own (at least %d characters) before you carry on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Current password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New password &amp;again:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set password and log in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type your current password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two new passwords are not the same.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a new password that is not the same as the old one.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChartWidget</name>
    <message>
        <source>Nothing to chart for this period.</source>
        <extracomment>Slices take these in turn.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ContactEditor</name>
    <message>
        <source>Add a contact at %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new contact at &lt;b&gt;%s&lt;/b&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit contact %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s at &lt;b&gt;%s&lt;/b&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. 01632 960123</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name@example.co.uk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Main contact (replaces the present one)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Job title:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Phone:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the contact&apos;s name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ContractDialog</name>
    <message>
        <source>Record a support contract — %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. SC-2027-014</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>net of VAT, e.g. 1,200.00 (blank: none yet)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reference:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Covers:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Starts:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Ends:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Price:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rec&amp;ord</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents for the covered products within these dates need no payment.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ContractEndDialog</name>
    <message>
        <source>End contract %s early</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the end of contract %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why (kept in the audit log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Last day covered:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Ends on:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents it funds already keep their funding; incidents after its last day are not covered by it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It now runs until %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;End early</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Change</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ContractsView</name>
    <message>
        <source>Support contracts — %s</source>
        <extracomment>A contract was changed or paid for: the window refreshes what it shows.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Support contracts — the office</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change &amp;end date…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End ear&amp;ly…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take &amp;payment…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No support contract is recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s: %s, %s to %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid on %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not paid for yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ended early by %s: %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Curtain</name>
    <message>
        <source>Locked</source>
        <extracomment>How often the idle watch looks at the clock, in milliseconds. What a person does at the desk: any of these means it is not idle.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CustomerEditor</name>
    <message>
        <source>Edit customer %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer&apos;s code in the office&apos;s accounts, e.g. ACME01</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. 01632 960123</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name@example.co.uk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;ompany:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account &amp;code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Phone:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Postco&amp;de:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No&amp;tes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the customer&apos;s name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CustomerPanel</name>
    <message>
        <source>No customer selected</source>
        <extracomment>Asked of the window with the customer shown (and the contact chosen, where it applies). The customer as last shown: its version is what an edit from the panel saves against.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entitlement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter or double-click reprints the receipt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take pa&amp;yment…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take a payment for incidents or a season ticket (Ctrl+Shift+Y)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tic&amp;ket statement…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refun&amp;d…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ad&amp;just ticket…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add or take away incidents on a live season ticket, with a reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Co&amp;ntract…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record a support contract for this customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contacts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent payments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log call…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log a call from this customer (Ctrl+Shift+C)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit customer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the customer&apos;s name, company, address, phone, e-mail, account code or notes (Ctrl+Shift+U)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add contact…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a contact at this customer (Ctrl+Shift+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit contact…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the contact chosen in the list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contact has left…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The contact chosen no longer works there: kept on past incidents, no longer offered for new calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  (main contact)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s  (has left)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Support contracts of this customer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  (refunded %s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No payments yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Season ticket %1 expired %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, %1 lapsed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Season ticket %1 is used up: all %2 used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only %1 left: offer a new season ticket.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No incidents left: offer a new season ticket.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DatabaseSettingsDialog</name>
    <message>
        <source>Database for this desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A database &amp;file on this computer (one desk)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The office&apos;s &amp;PostgreSQL server (several desks)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file in your user data folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>server name or address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>D&amp;atabase:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The password is kept in this computer&apos;s password store, not in the settings; where there is none it is asked for at each start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In use now: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new choice takes effect when Synergy Desk next starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The saved address cannot be used: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synergy Desk databases (*.sqlite3);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeclineRefundDialog</name>
    <message>
        <source>Decline the refund for %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The payment %s (%s) stays with the office; the incident&apos;s timeline says the refund was declined and why.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Why it is declined:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Decline the refund</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeskSettingsDialog</name>
    <message>
        <source>This desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone links</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;tel: and callto: links with Synergy Desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A softphone, a CRM or a web page that dials a number then pops the caller up here. Registered for you only; no administrator is needed. To make Synergy Desk the program for phone links, choose it in Windows Settings ▸ Apps ▸ Default apps.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone links are registered on Windows. On this computer, have the softphone run “synergy-desk call NUMBER” (or open tel: links with synergy-desk).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Windows did not let the phone links be changed (%s). Try again, or ask whoever looks after this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone links now open Synergy Desk. Choose it for tel: in Windows Settings ▸ Apps ▸ Default apps if Windows asks.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone links no longer open Synergy Desk.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EmailTriageView</name>
    <message>
        <source>E-mail to sort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;To sort</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages about no incident yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>H&amp;eld</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages from a sender who wrote too often in an hour: held, not turned into incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Not support</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages marked not support (spam, sales)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sender, subject or text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the attachment with the desktop&apos;s program, after a question</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sa&amp;ve as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the attachment as a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new incident from this message (Ctrl+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put the message on an incident already open (Ctrl+J)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spam, sales or a wrong address: set it aside with a reason (Ctrl+D)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New &amp;incident…  (Ctrl+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Attach to incident…  (Ctrl+J)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not su&amp;pport…  (Ctrl+D)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Back to sort  (Ctrl+B)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put a held or not-support message back to be sorted (Ctrl+B)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attachments:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;To sort (%d)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>H&amp;eld (%d)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%d messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No message chosen.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cc: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Received: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subject: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An automatic reply: nothing is sent back to it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A card number in it was masked before it was kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — over the limit, not kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — could be a program: save only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sender matches no customer: choose one when you make the incident.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Possibly: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, matched by %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take payment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s waits for payment before work starts. Take the payment now (the customer on the phone, or a payment request by bank transfer)?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attach to incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The incident (its reference, or one of the customer&apos;s):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The incident&apos;s reference:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message is on %s now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marked not support; it waits under Not support.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message is back in the list to sort.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportPeriodDialog</name>
    <message>
        <source>incidents opened</source>
        <extracomment>What can be exported, with the words the window uses for it.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>payments taken</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Whole history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the %s on these days (both included):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The period ends before it starts.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>Welcome to Synergy Desk</source>
        <extracomment>Whether the office charges VAT (then receipts need its VAT number and address).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This database is new. Tell Synergy Desk about your office and create the first manager account; more users can be added later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your office</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Company &amp;name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VAT-registered?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;VAT number:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First manager</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Full na&amp;me:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password a&amp;gain:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load &amp;demo data (an example office to try things out)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create office</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Yes, we charge VAT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>N&amp;o, no VAT is charged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No VAT is charged; receipts say the office is not VAT-registered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipts charge VAT and show the VAT number and address; none is issued until both are set.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Say whether the office is VAT-registered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the office&apos;s company name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Say whether the office is VAT-registered: Yes, and give its VAT number, or No.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a user name for the first manager.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the manager&apos;s full name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>GlobalSearch</name>
    <message>
        <source>Search customers, phone numbers, incidents…  (Ctrl+K)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search failed: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing found for “%s”</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HelpWindow</name>
    <message>
        <source>Synergy Desk guide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Welcome</source>
        <extracomment>(page, title) in the contents list&apos;s order.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reception&apos;s path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The engineer&apos;s workbench</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manager&apos;s day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportCustomers</name>
    <message>
        <source>Removing an import that stopped half-way…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportCustomersDialog</name>
    <message>
        <source>Import customers from a CSV file</source>
        <extracomment>A row that cannot be imported. The bad rows listed on screen (the count says how many there are in all). The preview&apos;s columns: the field each shows.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a CSV file exported from your accounts package. Check which column holds each field and look at the preview: rows in red cannot be imported. Nothing is imported while any row is bad, unless you skip the bad rows.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No file chosen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Choose file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Windows-1252 (Western)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comma</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Semicolon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bar (|)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Encoding:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delimiter:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(not imported)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>* required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why it cannot be imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Skip bad rows (import only the good ones)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview (the first rows, as they will be imported)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bad rows in the whole file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import customers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading %s…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read as %s, cells separated by %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking the rows…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s bad rows of %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 bad row of %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (the first %s are listed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>: fix them in the file, or skip them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All %s rows can be imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The import stopped: removing what it wrote… %s of %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing… %s of %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking… %s rows</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentChangeBox</name>
    <message>
        <source>incident</source>
        <extracomment>Adjusts a ticket: (ticket id, change in incidents, reason) -&gt; the ticket afterwards. Records a contract: (reference, product id or None for all, starts, ends) -&gt; the contract; a price (net pence) is passed as ``price_pence`` when one is given. Changes a contract&apos;s end: (contract id, the date, reason) -&gt; the contract.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>incidents</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentDetail</name>
    <message>
        <source>Choose an incident from the list</source>
        <extracomment>How many lines of facts show before they scroll: the rest of the height is the timeline&apos;s. The menu text of an action whose button&apos;s mnemonic is taken in the Incident menu or the list&apos;s context menu (another entry there has its letter). A reply was put in the outbox (its e-mail&apos;s id): the desk sends it at once. An incident was shown (or shown again).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the payment for this incident (Ctrl+Shift+Y)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply contract / &amp;ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fund it from the customer&apos;s support contract or season ticket (Ctrl+Shift+T)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call &amp;back…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign to &amp;me</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Start work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Wait on customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;plit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>M&amp;erge…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Resolve…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close &amp;unresolved…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Out of remit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log call</source>
        <extracomment>Every action on the incident shown, in the order its buttons show: the same actions are the window&apos;s Incident menu and the list&apos;s context menu, so each is enabled alike everywhere.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take payment…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summ&amp;ary PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waive char&amp;ge…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Engineer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merged into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duplicates merged in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer sees this entry.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For the staff only: not on what the customer is given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s: record the transfer when the money arrives</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s: a manager cancels the request first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs funding first: take a payment or use a season ticket (Ctrl+Shift+S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start work (Ctrl+Shift+S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs funding first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolve… (Ctrl+Shift+R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The incident&apos;s e-mails could not be read just now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attachment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — over the limit, not kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — could be a program: save only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask for a bank transfer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payment request %s issued: %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassign it, or change its product, module, version or priority (Ctrl+Shift+I)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payment taken: receipt %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call-back scheduled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For the &amp;customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Internal (staff only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only what the customer sees: no internal notes, waiver reasons or staff events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For the c&amp;ustomer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whether the customer sees the chosen entry on their summary (Ctrl+Shift+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s (about payment)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note for the customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s (staff only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The entry is now on what the customer is given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The entry is now for the staff only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for the customer to reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s split off; it needs its own funding.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Charge waived for %s.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentFieldsDialog</name>
    <message>
        <source>Change %s</source>
        <extracomment>Statuses in which whoever takes the calls may still put the details right.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unassigned)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Engineer:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Product:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Module:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Version:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;riority:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Engineers and managers reassign incidents.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Work on this incident has begun: an engineer or manager changes its details now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>latest is %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the product.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentFromEmailDialog</name>
    <message>
        <source>New incident from e-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From %s: “%s”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another customer: name, company, e-mail, phone or account</source>
        <extracomment>The contact each customer offered was matched by (None: the customer).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This message has &amp;another aspect: keep it to sort for a second incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;ustomer:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find another:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;ontact:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Product:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Version:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Module:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Subject:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;riority:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Create incident  (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As matched</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No customer found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(the customer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the customer the e-mail is from (or find them).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the product the incident is about.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the incident a subject: one aspect of the problem.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>%s — locked</source>
        <extracomment>Checks a user name and password; the user (the users service&apos;s log-in). The same person typed their password: the desk is theirs again. Someone else is to log in (the open windows may be closed).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This desk is locked. %s was using it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log in as &amp;someone else…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Their open windows stay as they were until they unlock.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type your password to unlock the desk.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That is not the account this desk was locked by.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong password: the desk is still locked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log in as someone else</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has %2 window(s) open, perhaps with something half typed. Logging in as someone else closes them without saving. Close them and log in as someone else?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was closed; the desk is still locked.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LogCallDialog</name>
    <message>
        <source>Log a call</source>
        <extracomment>What the desk asked to do next: &quot;pay&quot; (take payment), &quot;ticket&quot; (use a season ticket). A new customer was added in the dialog (their id).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller</source>
        <extracomment>The number an incoming call filled in the new-customer form with. The chosen customer&apos;s cover (what the entitlement line says). What to do once the call is logged: &quot;pay&quot;, &quot;ticket&quot;, or None (just log it).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name, company, phone, e-mail, postcode or account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New customer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No caller chosen yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Company:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Postcode:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>N&amp;ew contact…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add the caller as a new contact at this customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Version:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One aspect: the problem or error message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;ontact:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Incident:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Product:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Module:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Subject:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;riority:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Call notes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call lengt&amp;h:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log &amp;&amp; take pa&amp;yment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log call  (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log the call, then take payment (Ctrl+Shift+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log &amp;&amp; use season &amp;ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log the call and fund it from the customer&apos;s season ticket (Ctrl+Shift+T)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No customer found — press Ctrl+N to add one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — offer a new season ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New customer not added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You were adding a new customer (%s) who has not been added yet.

Drop what you typed?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(the customer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as on %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add the new customer first (Add customer), or clear the form: the call is not logged for anyone else.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find the caller first, or add them as a new customer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the incident a subject: the one problem or error message this call is about.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the product.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log in to Synergy Desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>user name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type your user name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your password was reset by a manager: choose a new one to log in.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MailStatusLabel</name>
    <message>
        <source>%d to sort</source>
        <extracomment>How long the desk holding the mailbox waits for new mail before it looks again (and sends what is due in the outbox). How long a desk that does not hold the mailbox, or met a problem, waits before trying again. Mail was stored or sent: what shows it should be read again. A problem in plain words (&quot;&quot; once a turn has gone well again). The worker has stopped (logged out, closed, or the office was replaced). &quot;triage&quot; or &quot;outbox&quot;: the part clicked.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (%d held)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%d not sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%d waiting to go</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail: </source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Log call…</source>
        <extracomment>(view key of the list service, label, shortcut) The view each role opens on until its user chooses another: reception the callers who still owe for their incidents, engineers their own queue, managers every open incident. When the open desk lapses expired season tickets: soon after start-up, then hourly. When the window sets up its daily backup, after the first paint. How often an open window tells the office it is still open (a restore names live desks). The widest a list column is made to fit its contents (the user may widen it further). Subject takes the width the other columns leave, never less than this, nor less than its first page&apos;s subjects need up to LIST_SUBJECT_ROOM. The person at the desk logged out (None: ask who logs in next) or switched to another (the user the next window is for); the window has left the office&apos;s list of desks. Mail was stored or sent by the desk&apos;s mail worker. The list stopped on a lost connection: the poll reloads it once the database answers.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log a call (Ctrl+L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search (Ctrl+K, Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh (F5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change my &amp;password…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Synergy Desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Database for this desk…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SQLite file or the office&apos;s PostgreSQL server this desk uses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to the &amp;list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take pa&amp;yment…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take a payment from the customer shown, for the incident shown when it awaits one (Ctrl+Shift+Y)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Registers…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enhancement requests and escalations (Ctrl+Shift+G)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call-backs &amp;due…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call-backs due and overdue (Ctrl+Shift+K)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>R&amp;eports…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cash-up, incidents, season tickets, overrides and registers (Ctrl+Shift+E)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today&apos;s &amp;takings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your takings today: the end-of-day cash-up (Ctrl+Shift+D)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Office &amp;settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Company details, prices, VAT, season tickets, time zone and e-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Products and modules…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The products and plugins the office supports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Back up now…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A consistent copy of the office&apos;s database, made while desks work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Users…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add users, set their roles, reset passwords, unlock and deactivate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Audit log…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who changed what and when, and the tamper check of the money rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;funds awaiting approval…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Out-of-remit refunds to approve or decline (Ctrl+Shift+V)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import customers from CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customers and contacts from an accounts package&apos;s CSV file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Customers…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Incidents…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Payments…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as a CSV file for a spreadsheet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Engineer</source>
        <extracomment>The icon (resources/icons) of each action that has one, by the action&apos;s attribute.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any engineer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Support &amp;contracts…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every support contract of the office (Ctrl+Shift+A)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer&apos;s c&amp;ontracts…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The support contracts of the customer shown (Ctrl+Shift+J)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply contract / &amp;ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fund the incident shown from the customer&apos;s support contract or season ticket (Ctrl+Shift+T)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export as CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Office</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Appearance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Actio&amp;ns on the chosen incident…</source>
        <extracomment>The actions on the incident shown, in the detail&apos;s order.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The chosen incident&apos;s actions, beside its row (Shift+F10 or the Menu key in the list)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The list is long: Ctrl+End shows its end by sorting it the other way round. Click the column&apos;s heading to turn it back.</source>
        <extracomment>Whether the columns have their widths: sized to the rows, or restored. Whether Subject&apos;s least width has been measured on the rows.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>● Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>● Connection lost — retrying</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n expired season ticket(s) lapsed.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%s is queued as awaiting payment: it needs funding before work starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call logged on %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log call for this customer…</source>
        <extracomment>The customer just chosen from the search, and the incident shown as it was chosen: only while both still stand does a new call start with that caller.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log a call from the customer shown in the panel (Ctrl+Shift+C)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit customer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the customer shown in the panel (Ctrl+Shift+U)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add contact…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a contact at the customer shown (Ctrl+Shift+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit c&amp;ontact…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the contact chosen in the customer panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contact has le&amp;ft…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The contact chosen in the customer panel no longer works there</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;hange incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassign the incident shown, or change its product, module, version or priority (Ctrl+Shift+I)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find the customer first (Ctrl+K).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contact added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the contact in the customer panel&apos;s list first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contact saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The contact is marked as having left.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find the customer first (Ctrl+K), then take the payment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payment taken: receipt %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record a &amp;bank transfer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Money that arrived for a payment request: find it by its reference, the customer or the amount (Ctrl+G)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payment re&amp;quests…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payment requests open, overdue with the customer&apos;s phone, or all: show, record the transfer, remind or cancel (Ctrl+J)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-&amp;mail to sort…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages from the support mailbox about no incident yet: make an incident, attach to one, or set aside (Ctrl+M)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outbo&amp;x…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail waiting to go, and e-mail the mail server refused: send again or cancel (Ctrl+U)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply by e-mail…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write to the customer about the incident shown: the last message quoted, the reference in the subject (Ctrl+R)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payment request %s issued: %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Credit note %s issued.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Season ticket %s adjusted: %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find a customer first: their contracts are listed then.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s recorded; it now funds %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count the cash dra&amp;wer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count the cash in the drawer at the end of today (Ctrl+Shift+H)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import bank &amp;statement…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Match the bank statement&apos;s lines to open payment requests and record the transfers (Ctrl+I)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The office&apos;s settings have been saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your password has been changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This desk will use %s from its next start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synergy Desk &amp;guide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A short guide to the desk: reception, engineers, managers (F1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every shortcut of this window (Ctrl+/)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loc&amp;k the desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide the desk&apos;s data until you type your password (Ctrl+Shift+L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;witch user…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Someone else logs in at this desk; the database stays open (Ctrl+Shift+W)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End your session and show the log-in, without quitting (Ctrl+Shift+Q)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlocked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are logged in as %s already.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller &amp;log…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who rang, when, who answered and for how long; missed calls (Ctrl+D)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listening for the phone system&apos;s calls on port %d.</source>
        <extracomment>What the listener was last started with (port, token, open); None: not wanted.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open the incoming call</source>
        <extracomment>The number of a call that came in while something else was open (E.164). The latest call&apos;s number (E.164): clicking the status bar&apos;s caller opens it again. The pop-up&apos;s own dialog (the chooser or log-a-call) while it is open.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log the call waiting in the status bar, or the latest call again (F8)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;This desk…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer&apos;s own settings: whether phone links (tel:, callto:) open Synergy Desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A call came in from a number that cannot be read: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call waiting (click, or F8): %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incoming call: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — not a customer yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source> — %n callers have this number</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Click to log this call (F8 while it waits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No call has come in at this desk yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish or close the window open first; the call still waits.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>Merge a duplicate incident</source>
        <extracomment>More than enough for one customer&apos;s incidents that are still open to merging.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents of &lt;b&gt;%s&lt;/b&gt;. The duplicate&apos;s timeline moves to the incident it belongs to, which carries on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;wap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Duplicate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Belongs to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Merge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What will happen:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose two different incidents: the duplicate and the one it belongs to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An incident cannot be merged into itself.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotSupportDialog</name>
    <message>
        <source>Not support</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%s” leaves the list to sort and waits under Not support, where it can be brought back. Nothing is sent to the sender.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Why is it not support?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Mark not support</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OfficeSettingsDialog</name>
    <message>
        <source>Office settings</source>
        <extracomment>A test e-mail has been sent (True) or has failed (False), with the words shown. The mailbox&apos;s connection test has answered (True) or failed (False), with the words shown.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Company</source>
        <extracomment>None: keep the saved password; &quot;&quot;: remove it; text: the new one. The same for the mailbox&apos;s password.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Prices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Office</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;E-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone s&amp;ystem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> {setting.unit}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The office is VAT-re&amp;gistered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The logo prints at the top of receipts and other documents: a PNG or JPEG of at most %d kB; a larger picture is kept at 1,200 pixels across.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipts already issued keep the prices they were issued at. New prices apply to payments taken from now on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Times are stored in UTC and shown in this time zone on every desk and document.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A count of the cash drawer further than this from the cash expected (float + cash takings − cash refunds) needs a reason.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A desk nobody has touched for this long hides its data until the same person types their password, or someone else logs in; what was being typed stays where it was.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the new password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;hange…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remo&amp;ve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as the office&apos;s e-mail address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choo&amp;se…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Bank</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mailbo&amp;x</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use STARTT&amp;LS (port 587; leave off for port 465, which is encrypted from the start)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send &amp;test e-mail…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test e-mail was not sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test e-mail uses the values on this page as they are now, before you save them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Listen for the phone system&apos;s calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open to the office &amp;network, not only to programs on the desk&apos;s own computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>made when the listener is turned on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy &amp;token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ne&amp;w token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new secret: the phone system must be given the new address once you save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy a&amp;ddress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Address for the phone system:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone systems that tell a help desk of their calls (the generic CTI form: newCall, answer, hangup) post them to this address; a request without the token is refused. Calls go in the caller log, and a missed call from a known customer becomes a call-back. Give the phone system the address of one desk: every desk listens while this is on, but only the one it is given hears the calls. On the office network, use that computer&apos;s name or address in place of the one shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payment requests print these details for a customer paying by bank transfer before support. The account&apos;s name, sort code and account number are needed before a request can be issued; the IBAN and BIC are for payers abroad. A request issued keeps the details it was issued with.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SSL/TLS (port 993)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>STARTTLS (port 143)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None (only on the office&apos;s own network)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ch&amp;ange…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test co&amp;nnection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The mailbox could not be tested.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> MB a message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknow&amp;ledge new mail that waits to be sorted (never an auto-reply)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synergy Support
0113 496 0000</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One desk at a time reads the mailbox; any other takes over when it closes. Attachments beyond the limit are listed but not kept. A sender who writes more often than this in an hour is held to be sorted, not turned into incidents. The test uses the values on this page as they are now, before you save them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to %s…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new token: it takes the old one&apos;s place when you save.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s is on the clipboard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipts charge VAT at the rate on the Prices tab and show the VAT number and address; none is issued while either is missing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No VAT is charged on new payments, and receipts say the office is not VAT-registered. Receipts already issued keep the VAT they charged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no VAT charged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s with VAT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; a ticket of %d: %s with VAT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the office&apos;s logo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s could not be read as a picture.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No logo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>removed when you save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>changed when you save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The settings have been reloaded as they are saved now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send a test e-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the test e-mail to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending a test e-mail to %s through %s…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A test e-mail was sent to %s through %s:%d. Check that it has arrived; then save these settings.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OutboxView</name>
    <message>
        <source>Outbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Send again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the message with the next round, its tries counted afresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel message…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do not send it (managers)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replies, receipts and payment requests wait here until the office&apos;s mail server takes them. A message the server refused is tried again after 1, 5, 15 and 60 minutes and then less often; after the last try it is marked not sent and stays here until someone sends it again or a manager cancels it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%d waiting to go; %d not sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do not send it; it stays on its incident, marked cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a manager can cancel a message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%s” goes out again at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel the message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel “%s”? It will not be sent; its incident keeps it, marked cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%s” was cancelled; it will not be sent.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PaymentDialog</name>
    <message>
        <source>Take payment — %s</source>
        <extracomment>The most digits a card number has: what follows a wiped number may be the rest of it. At most this many of the customer&apos;s unfunded open incidents are offered at once. A support contract being paid for (chosen from the contract list). What was typed into the refused field since the wipe that may be the rest of the card number (digits, spaces, dashes typed on at its end); None once the wipe came from a paste, which leaves no rest behind. Each card field&apos;s text before its last edit (a paste adds many characters at once). An office not VAT-registered charges no VAT and issues no VAT invoices.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What is being paid for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lines to pay for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Net</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VAT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gross</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pay &amp;for (Space ticks a line):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New &amp;season ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Season ticket size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Season ticket validity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Si&amp;ze:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Valid for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s an incident + VAT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s an incident (no VAT)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total to pay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visa, Mastercard, …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A full VAT invoice prints the customer&apos;s name and address, and the net and VAT of each line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Method:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount ten&amp;dered:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card &amp;brand:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Last four digits:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Auth code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the payment and print the receipt (Enter or Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An incident asked for is already funded or closed, so it is not listed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%d incidents asked for are already funded or closed, so they are not listed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s: record the transfer when the money arrives. Not listed here, so it is not paid twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s  (from the new season ticket)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Issue a payment request…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask for the money with a payment request: the office&apos;s bank details, a reference and a due date (Enter or Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Take payment  %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Take payment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick the incidents the customer is paying for, or sell a season ticket.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Full VAT &amp;invoice: required above %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Full VAT &amp;invoice (customer&apos;s address, net and VAT per line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Full &amp;invoice (customer&apos;s address)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the cash handed over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change to give: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Short by %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount asked for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount charged:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bank &amp;reference:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From the card terminal&apos;s slip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As it appears on the bank statement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid by bank transfer before support: the customer is sent a payment request with the office&apos;s bank details; the incidents start once the money has arrived.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid by bank transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The cash handed over (%s) is less than the total (%s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the highlighted field: the full card number was wiped. Type only the card brand, last four digits and auth code.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PaymentRequestDialog</name>
    <message>
        <source>Ask for a bank transfer — %s</source>
        <extracomment>At most this many of the customer&apos;s unfunded open incidents are offered at once.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer is sent a numbered payment request with the office&apos;s bank details and a reference. The incidents wait, unfunded, until the money arrives and is recorded; then the receipt is issued and they join the queue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents to ask for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask &amp;for (Space ticks an incident):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New &amp;season ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Season ticket size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Si&amp;ze:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the customer is asked to pay for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Due on:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pay to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Issue request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number the request and show it to print or e-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No payment request can be issued yet: the office&apos;s bank details lack %s. A manager sets them in Office ▸ Office settings ▸ Bank.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick the incidents to ask for, or a season ticket.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s (net %s, VAT %s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>: the season ticket, which will fund %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick the incidents the customer is asked to pay for, or a season ticket.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PdfPreviewDialog</name>
    <message>
        <source>&amp;Print…</source>
        <extracomment>Pages are rasterised for the printer at its resolution, but never finer than this. How the document is e-mailed to an address (on the worker thread); by default straight through the mail server, with nothing kept.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print on a printer (Ctrl+P)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save as PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the PDF file (Ctrl+S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;E-mail…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail the PDF (Ctrl+E)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the preview (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom out (Ctrl+-)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom in (Ctrl++)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fit width</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit the page to the window (Ctrl+0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%d pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A manager can set a mail server in the office settings to e-mail documents.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>customer@example.co.uk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Se&amp;nd</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong; the details are in the log file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent 1 page to the printer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent %d pages to the printer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the address to send it to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending to %s…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mailed to %s.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PhoneListener</name>
    <message>
        <source>The phone system&apos;s listener has no token yet; a manager makes one in Office settings.</source>
        <extracomment>How long the phone system&apos;s request waits for the window to record its event. An incoming call rang: the caller&apos;s number (E.164 where it is one). A call event was recorded: the call as the caller log now has it (a CallerLogRow). Something the desk&apos;s user should know (the port in use, the listener started). From the server&apos;s thread to the window&apos;s (queued).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The phone system&apos;s listener could not use port %d (%s); calls are not being recorded at this desk.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProductsDialog</name>
    <message>
        <source>Products and modules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Current version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Products:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Rename/Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;tire</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Module or plugin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A&amp;dd…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;name…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ret&amp;ire</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retired products and modules stay on the incidents that name them but are no longer offered for new ones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Modules of %s:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Modules:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rest&amp;ore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a module to %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>Export %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QMainWindow</name>
    <message>
        <source>Window</source>
        <extracomment>The page of the keyboard shortcuts, made from the window&apos;s actions. The licence texts Help ▸ About shows, in the resources. The action&apos;s text as a menu shows it, without its mnemonic&apos;s &quot;&amp;&quot;. Its keys, as the desktop writes them (&quot;Ctrl+L&quot;); several are joined by &quot;, &quot;. Where it lives: &quot;File&quot;, &quot;File ▸ Export as CSV&quot;, &quot;Incident detail&quot;, or &quot;Window&quot; for a shortcut that is in no menu.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident detail</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QMessageBox</name>
    <message>
        <source>Contact has left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Has %s left %s?

They stay on the incidents and calls they were on, but are no longer offered for new calls.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>Write the reason first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordTransferDialog</name>
    <message>
        <source>Record a bank transfer</source>
        <extracomment>At most this many open requests are listed for a search.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference (PR12-X), customer or amount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find the request:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open payment requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still to come</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open re&amp;quests:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As it appears on the bank statement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Received &amp;on:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Amount received:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bank&apos;s refere&amp;nce:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record the money against the request chosen (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%s” is not a valid payment reference: its last character does not match (mistyped?).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No open payment request matches “%s”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the request the money is for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; %s received so far</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s, %s: %s for %s, due %s%s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the payment request the money is for.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <source>Refund or void %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line</source>
        <extracomment>What each season-ticket line not yet refunded would give back, both ways.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gross</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refunded on %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Lines to hand back (Space ticks a line):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refund the ticked lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Void the whole payment (taken in error)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why the money is handed back (required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rea&amp;son:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Issue credit note  (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Season ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Required for the full price: the used incidents are paid back too</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Why the used incidents are refunded too:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This season ticket: %s of %s incidents used. The used incidents keep their funding either way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Unused incidents only, pro rata (%s %s): %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The full &amp;price, the used incidents included: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To hand back: &lt;b&gt;%s&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Work has started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refund anyway? The incident will need funding again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s has been refunded in full already.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the reason for handing the money back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick the lines to refund.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Say why the used incidents are refunded too, or refund the unused ones only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was refunded.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RefundQueueWindow</name>
    <message>
        <source>Refunds awaiting approval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Approve and print the credit note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>D&amp;ecline…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No refunds are waiting for approval.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid incidents an engineer closed as out of remit: approve the refund (a credit note, opened for printing) or decline it with a reason.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RegistersWindow</name>
    <message>
        <source>Registers</source>
        <extracomment>The enhancement-request register: request, product, how many asked, who, status. The escalation register: incident, product, version, steps, status, development&apos;s answer.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Enhancement requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E&amp;scalations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export &amp;CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export &amp;PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Product:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Product management&apos;s decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set s&amp;tatus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Development&apos;s answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save &amp;answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Response:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s escalations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an escalation to see its steps and record development&apos;s answer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request “%s” updated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalation of %s updated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the register</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preparing the PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReplyEditor</name>
    <message>
        <source>Reply by e-mail — %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Others to copy, separated by commas</source>
        <extracomment>The files to send: (filename, content type, data).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Attach file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This message is about &amp;paying for the incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cc:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subj&amp;ect:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Message:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Send  (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put the reply in the outbox; it goes out at once (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It goes as a message about paying; support itself waits for the payment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This incident is not paid for yet: until it is, only a message about paying for it may be sent. Tick the box above if this one is; support waits for the payment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s (%s) would take the message over the office&apos;s limit of %s for attachments; it was not attached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attachments: %s of the office&apos;s %s a message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the address to send the reply to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the reply a subject.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This incident is not paid for yet, so only a message about paying may be sent: tick “about paying” if it is; nothing was sent.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportTableBlock</name>
    <message>
        <source>1 row</source>
        <extracomment>The report&apos;s name on each chooser entry. What a row too short for its table shows in the missing columns. A flagged row (a gap in the numbering): red on a red shade, and its text says what is wrong. Its place in the report&apos;s table (the service&apos;s order). Shown as a problem (a gap in the numbering). Long listings scroll inside their table past this many rows.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s rows</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportsWindow</name>
    <message>
        <source>Reports</source>
        <extracomment>A report arrived and is on screen. A file was written (its path). Building the report failed (the message shown). The drawer was counted (the CashCountInfo saved).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Build the report (F5 or Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a report and a period, then press Run report (F5).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You may not run any reports.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reception sees its own takings for today only; ask a manager for other days or other reports.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count dra&amp;wer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count the cash in the drawer for the day of the cash-up (Ctrl+Shift+H)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Preview PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the report as a PDF to print (Ctrl+P)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save P&amp;DF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the report as a PDF file (Ctrl+S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save &amp;CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save every table of the report as a CSV file for a spreadsheet (Ctrl+Shift+S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the cash-up and a single day to count its drawer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The report shown is “%(title)s” for %(period)s; press Run report for the one chosen.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building “%s”…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%(title)s — %(period)s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>generated %(when)s by %(who)s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>times in %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check before you sign this off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preparing the PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RequestsView</name>
    <message>
        <source>Payment requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests still waiting for money</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>O&amp;verdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Past their due date: chase them by phone or a reminder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open, paid and cancelled requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference, customer or amount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request as the customer has it (or double-click it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Record transfer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Money that arrived for this request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send re&amp;minder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail the customer a reminder with the request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel request…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel it with a reason; its incidents await payment again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1; %2 overdue; %3 still to come</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s that arrived for it is to be returned to the customer or held for them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a manager can cancel a payment request.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer has no e-mail address: ring them on %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>their number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The office has no mail server set (Office settings ▸ E-mail).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (last sent %s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail the customer a reminder with the request%s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending a reminder for %s…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reminder for %s e-mailed to %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s cancelled; its incidents are awaiting payment again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResetPasswordDialog</name>
    <message>
        <source>Reset the password of %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s will be asked to choose a password of their own the next time they log in. A lock-out is lifted too.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New password &amp;again:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reset password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResolveDialog</name>
    <message>
        <source>Resolve %s</source>
        <extracomment>Requests product management has not finished with: new customers can still be added.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Note:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Resolve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enhancement-request register (%s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add this customer to an &amp;existing request:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nobody yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asked for by: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Res&amp;olution:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a ne&amp;w request, titled:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Export payslips as CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No open requests for this product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalation to development</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. %s (the current version)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1. Open …
2. Click …
3. Expected … but saw …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Product:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Version:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;teps to reproduce:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the resolution note.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the request to add this customer to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the new request a title.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the version of the product the bug was seen in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the steps development needs to reproduce it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SplitDialog</name>
    <message>
        <source>Split %s into another incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick the entries about &lt;b&gt;another aspect&lt;/b&gt; of the customer&apos;s problem. They move to a new incident, which is charged separately and needs its own funding. Events stay with %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The other problem or error message, in a line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New incident&apos;s &amp;subject:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Product:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spl&amp;it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 entries move to the new incident.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick at least one entry to move to the new incident.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At least one entry must stay on %s; to move everything, edit its subject instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the new incident a subject: the one problem or error message it is about.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the product the new incident is about.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatementImportDialog</name>
    <message>
        <source>Import the bank statement</source>
        <extracomment>The table&apos;s columns. The mapping&apos;s rows: (field, label with its mnemonic); the description may take two columns.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the statement as your bank exports it (CSV or OFX). Each line of money in is matched to an open payment request by its reference, or by its amount and the customer&apos;s name; untick any you do not want, then record them. A line recorded once is never recorded again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No file chosen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose &amp;file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Co&amp;lumns…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Statement:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Which column holds what</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pays, or why not</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Record transfers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the bank statement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bank statements (*.csv *.ofx *.qfx *.txt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The columns of this file could not all be told from their headings: choose the date, the description and the amount (or paid in and paid out).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Record 1 transfer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Record %d transfers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%d of the statement&apos;s lines matched to payment requests; %d left unmatched (the reason is beside each).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recorded 1 transfer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recorded %d transfers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipts issued: %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now in the queue: %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s still waits for %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s was paid %s over, to refund or hold.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not recorded for %s: %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TicketAdjustDialog</name>
    <message>
        <source>Adjust a season ticket — %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket %s: %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Positive adds incidents, negative takes them away</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why the balance changes (kept in the ticket&apos;s ledger and the audit log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Ticket:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Change:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Adjust</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This customer has no live season ticket; only a live ticket can be adjusted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s of %s left afterwards</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the live ticket to adjust.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimelineEntryDialog</name>
    <message>
        <source>Add to %s</source>
        <extracomment>Printed on what the customer is given (their summary, e-mails); otherwise staff only.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start &amp;timer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For the c&amp;ustomer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticked, the entry is on what the customer is given (their summary, e-mails); otherwise it is for the staff only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;What happened:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About &amp;payment (not support work)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick for a call or e-mail to the customer about paying: it may be logged while the incident is unfunded. Support work waits for the funding.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop &amp;timer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write what was said or done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That text holds a full card number. Card numbers are never stored: remove it (keep at most the last four digits).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UserEditDialog</name>
    <message>
        <source>Add a user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. sam.smith</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Full name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password a&amp;gain:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At least %d characters. They will be asked to keep it to themselves.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <source>Users</source>
        <extracomment>Every user, all loaded at once (a handful of rows).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Deactivate…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset &amp;password…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter edits, Ins adds,
Del deactivates.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%d users, %d active. A user is never deleted: a deactivated account keeps its history and cannot log in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;activate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s added as %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> This is your own account: you will not be able to log in with it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deactivate %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s will no longer be able to log in, and is refused at once at any desk where they are logged in. Their history stays theirs; you can reactivate them later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Deactivate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s reactivated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s deactivated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password of %s reset; they choose a new one at their next log-in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s unlocked: they can log in now.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WaiverDialog</name>
    <message>
        <source>Waive the charge for %s</source>
        <extracomment>(kind, what it is for)</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;%s&lt;/b&gt; will be funded without payment, so work can start on it. The waiver, its reason and your name show on the incident and in the reports.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why this incident is not charged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Waive charge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the reason for waiving the charge.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>box</name>
    <message>
        <source>Customers imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported %s customers (%s to %s) with %s contacts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s bad rows were skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %s %s to %s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redeem from season ticket (%s left)</source>
        <extracomment>Takes a payment for one incident (the window&apos;s payment dialog); True when it was paid.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Take payment…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>dialog</name>
    <message>
        <source>Back up now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backing up %s…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>progress</name>
    <message>
        <source>Exporting %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writing %s…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>self._parent</name>
    <message>
        <source>Open the attachment</source>
        <extracomment>At most this many messages are listed at once (newest first). The list&apos;s column that takes the width the others leave. No other column is wider than this when it is fitted to its contents.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the attachment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s (%s) was over the office&apos;s limit for attachments and was not kept; ask the sender for it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s could be a program, so it is not opened from here: a program sent by e-mail can do anything to this computer. Use Save as… only if you know the sender meant to send it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open %s (%s) with the program your desktop uses for it? Files from e-mail can carry viruses: open it only if you expected it from this sender.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s could not be written for opening (%s); nothing was opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The desktop has no program to open %s; use Save as… instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s opened with the desktop&apos;s program.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s was over the office&apos;s limit for attachments and was not kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s could not be saved there (%s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%s saved as %s.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <source>Backed up to %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>workbench</name>
    <message>
        <source>Internal summary %s (staff only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident summary %s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
