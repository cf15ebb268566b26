from django.shortcuts import redirect, render

from troubleshoot.roles import is_member


def home(request):
    """The start page: logged-in members see where to begin; others log in."""
    if not request.user.is_authenticated:
        return redirect("login")
    if not is_member(request.user):
        return render(request, "troubleshoot/no_account.html", status=403)
    return render(request, "troubleshoot/home.html")
