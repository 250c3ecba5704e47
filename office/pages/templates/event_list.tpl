{{%AUTOESCAPE context="HTML"}}
{{! GET /violations and /near-misses (event_list_page.cc). }}
<p class="intro">{{INTRO}}</p>
<form method="get" class="filters" action="{{ACTION}}"><fieldset>
<legend>{{FILTER_HEADING}}</legend>
<label>{{PC_LABEL}}<input name="pc" list="pcs" value="{{PC}}"></label>
<datalist id="pcs">{{#PC_OPTION}}<option value="{{VALUE}}">{{/PC_OPTION}}</datalist>
<label>{{CONSIGNEE_LABEL}}<select name="consignee">
<option value="">{{ALL}}</option>
{{#CONSIGNEE}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{NAME}}</option>{{/CONSIGNEE}}
{{#UNLISTED}}<option selected value="{{VALUE}}">{{VALUE}}</option>{{/UNLISTED}}
</select></label>
{{#SEVERITY_FILTER}}<label>{{MIN_SEVERITY_LABEL}}<select name="severity">
{{#SEVERITY}}<option value="{{VALUE}}"{{#SELECTED}} selected{{/SELECTED}}>{{LABEL}}</option>{{/SEVERITY}}
</select></label>
<label>{{TYPE_LABEL}}<input name="type" value="{{TYPE}}"></label>{{/SEVERITY_FILTER}}
<label>{{FROM_LABEL}}<input type="date" name="from" value="{{FROM}}"></label>
<label>{{TO_LABEL}}<input type="date" name="to" value="{{TO}}"></label>
{{>FORM_FIELDS}}<button type="submit">{{APPLY}}</button>
<a href="{{CLEAR_HREF}}">{{CLEAR}}</a></fieldset></form>
<p><a href="{{CSV_HREF}}">{{CSV}}</a></p>
{{#EMPTY}}<p>{{NO_RECORDS}}</p>{{/EMPTY}}
{{#RESULTS}}<p>{{SHOWING}}</p>{{>EVENTS_TABLE}}
{{#PAGER}}<nav class="pager">
{{#LINK}}<a href="{{HREF}}">{{LABEL}}</a>{{/LINK}}
</nav>{{/PAGER}}{{/RESULTS}}
