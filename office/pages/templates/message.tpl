{{%AUTOESCAPE context="HTML"}}
<p class="error">{{MESSAGE}}</p>
