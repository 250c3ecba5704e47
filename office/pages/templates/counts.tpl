{{%AUTOESCAPE context="HTML"}}
{{! GET /counts (counts_page.cc): events per register job and year. }}
<p class="intro">{{INTRO}}</p>
<form method="get" class="filters" action="/counts"><fieldset>
<label>{{YEAR_LABEL}}<select name="year">
{{#YEAR}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/YEAR}}
{{#UNLISTED_YEAR}}<option selected value="{{VALUE}}">{{LABEL}}</option>{{/UNLISTED_YEAR}}
</select></label>{{>FORM_FIELDS}}<button type="submit">{{SHOW}}</button>
</fieldset></form>
<p><a href="{{CSV_HREF}}">{{CSV}}</a></p>
<p>{{REGISTER}}</p>
<h2>{{YEAR_HEADING}}</h2><table><tr>
{{#TH}}<th>{{LABEL}}</th>{{/TH}}
{{#TYPE_TH}}<th>{{>TYPE_CELL}}</th>{{/TYPE_TH}}
<th>{{TOTAL_LABEL}}</th></tr>
{{#ROW}}<tr><td>{{JOB}}</td><td>{{NAME}}</td><td>{{SECTION}}</td>
<td>{{CONSIGNEE}}</td>
{{#COUNT}}<td class="num">{{N}}</td>{{/COUNT}}
<td class="num">{{TOTAL}}</td></tr>{{/ROW}}
<tr><th colspan="4">{{TOTAL_LABEL}}</th>
{{#COLUMN_TOTAL}}<td class="num">{{N}}</td>{{/COLUMN_TOTAL}}
<td class="num">{{TOTAL}}</td></tr></table>
