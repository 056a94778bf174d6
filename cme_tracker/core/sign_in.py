"""The password step of signing in: Django's LoginView, remembering the browser a person
signed in with (``throttle.known_browser``) and forgetting it at a wrong password."""

from django.contrib.auth import views as auth_views

from . import throttle


class SignIn(auth_views.LoginView):
    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.remember_browser(response, form.get_user().get_username())
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if throttle.KNOWN_BROWSER in self.request.COOKIES:
            response.delete_cookie(throttle.KNOWN_BROWSER)
        return response
