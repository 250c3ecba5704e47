{{%AUTOESCAPE context="HTML"}}
{{#LABELED}}{{LABEL}}<span class="raw">{{TYPE}}</span>{{/LABELED}}
{{#RAW}}{{TYPE}}{{/RAW}}
