{{%AUTOESCAPE context="HTML"}}
{{! GET /pcs (pcs_page.cc): PCs and consignees. }}
<p class="intro">{{INTRO}}</p><p><a href="{{CSV_HREF}}">{{CSV}}</a></p>
{{#PCS}}<table><tr>{{#TH}}<th>{{LABEL}}</th>{{/TH}}</tr>
{{#ROW}}<tr{{#FAILED}} class="failed"{{/FAILED}}><td class="nw">{{PC}}</td>
<td>{{CONSIGNEE}}</td><td class="nw">{{LAST_CONTACT}}</td>
<td class="num">{{POLICY}}</td><td class="num">{{ACKED}}</td>
<td>{{STATE}}</td>
<td class="nw"><form method="post" action="/reports/request" class="inline">
{{>FORM_FIELDS}}<input type="hidden" name="pc" value="{{PC}}">
<button type="submit">{{ASK}}</button></form></td></tr>{{/ROW}}
</table>{{/PCS}}
<h2>{{CONSIGNEES_HEADING}}</h2>
{{#CONSIGNEES}}<table><tr>{{#TH}}<th>{{LABEL}}</th>{{/TH}}</tr>
{{#ROW}}<tr><td>{{NAME}}<span class="raw">{{ID}}</span></td>
<td>{{RESPONSIBLE}}</td><td>{{CONTACT}}</td><td>{{PCS}}</td></tr>{{/ROW}}
</table>{{/CONSIGNEES}}
