{{%AUTOESCAPE context="HTML"}}
{{! GET /exceptions (exceptions_page.cc): the codes the IT desk issued
    against those the PCs used, per consignee; uses without a record first. }}
<p class="intro">{{INTRO}}</p>
<p><a href="{{QUEUE_HREF}}">{{QUEUE}}</a> | <a href="{{ISSUE_HREF}}">{{ISSUE}}</a></p>
<p{{#ALARMS}} class="alert"{{/ALARMS}}>{{TOTALS}}</p>
{{#NOTHING}}<p class="notice">{{TEXT}}</p>{{/NOTHING}}
{{#CONSIGNEE}}<h2>{{NAME}}<span class="raw">{{ID}}</span></h2>
<p{{#ALARM}} class="alert"{{/ALARM}}>{{SUMMARY}}</p>
{{#UNISSUED}}<div class="alert"><h3>{{HEADING}}</h3><p>{{INTRO}}</p>
{{#CUT}}<p>{{TEXT}}</p>{{/CUT}}<table>
<tr>{{#TH}}<th>{{LABEL}}</th>{{/TH}}</tr>
{{#ROW}}<tr class="failed"><td class="nw"><a href="{{HREF}}">{{TIME}}</a></td>
<td class="nw">{{PC}}</td><td>{{SCOPE}}</td><td>{{PERSON}}</td>
<td>{{USER}}</td><td class="nw">{{REQUEST}}</td><td>{{CAUSE}}</td></tr>{{/ROW}}
</table></div>{{/UNISSUED}}
{{#ISSUED}}<h3>{{HEADING}}</h3>{{#CUT}}<p>{{TEXT}}</p>{{/CUT}}<table>
<tr>{{#TH}}<th>{{LABEL}}</th>{{/TH}}</tr>
{{#ROW}}<tr{{#DIM}} class="dim"{{/DIM}}><td class="nw">{{TIME}}</td>
<td class="nw">{{PC}}</td><td>{{SCOPE}}</td><td>{{PERSON}}</td>
<td>{{REASON}}</td><td>{{STATE}}{{#USED}}<span class="raw">
<a href="{{HREF}}">{{USED_AT}}</a> {{USER}}</span>{{/USED}}</td>
<td class="nw">{{REQUEST}}</td></tr>{{/ROW}}
</table>{{/ISSUED}}{{/CONSIGNEE}}
{{#LEDGERS}}<h2>{{HEADING}}</h2>
{{#MISSING}}<p class="error">{{TEXT}}</p>{{/MISSING}}<table>
<tr>{{#TH}}<th>{{LABEL}}</th>{{/TH}}</tr>
{{#ROW}}<tr><td class="nw">{{LEDGER}}<span class="raw">{{SEQS}}</span></td>
<td class="nw">{{EXPORTED}}</td><td class="nw">{{IMPORTED}}</td>
<td class="num">{{RECORDS}}</td></tr>{{/ROW}}
</table>{{/LEDGERS}}
