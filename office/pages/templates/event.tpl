{{%AUTOESCAPE context="HTML"}}
{{! GET /event (event_page.cc): one record in full. }}
<table>
<tr><th>{{TIME_LABEL}}</th><td>{{TIME}}</td></tr>
<tr><th>{{PC_LABEL}}</th><td>{{PC}}</td></tr>
<tr><th>{{CONSIGNEE_LABEL}}</th><td>{{CONSIGNEE}}</td></tr>
<tr><th>{{SEQ_LABEL}}</th><td>{{SEQ}}</td></tr>
<tr><th>{{SEVERITY_LABEL}}</th>
<td><span class="badge sev-{{SEV_KEY}}">{{SEV_LABEL}}</span></td></tr>
<tr><th>{{TYPE_LABEL}}</th><td>{{>TYPE_CELL}}</td></tr>
<tr><th>{{SUBJECT_LABEL}}</th><td>{{SUBJECT}}</td></tr>
{{#FIELD}}<tr><th>
{{#NAMED}}{{LABEL}}<span class="raw">{{KEY}}</span>{{/NAMED}}
{{#PLAIN}}{{KEY}}{{/PLAIN}}
</th><td>{{VALUE}}</td></tr>{{/FIELD}}
</table>
{{#JOB}}<p>{{LABEL}}: {{NAME}}</p>{{/JOB}}
<h2>JSON</h2><pre>{{JSON:pre_escape}}</pre>
